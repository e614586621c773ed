package org.pagila.cluster.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The standbys' qemu behind the primary's while they boot, then level again, on real processes: a copy of /bin/sh
 * named qemu-system-x86_64 with the `-name guest=DOMAIN,...` arguments libvirt gives qemu (it sleeps, as a paused VM
 * would), beside a plain sh with the same arguments, which is not a qemu and must never be picked.
 */
class QemuPriorityTest {
    private final List<Process> started = new ArrayList<>();
    private final String tag = "pagila-prio-" + ProcessHandle.current().pid();

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        started.forEach(Process::destroyForcibly);
    }

    @Test
    void aStandbyIsSetBehindThePrimaryThenLevelAgainAndRepeatingChangesNothing() throws Exception {
        Path qemu = dir.resolve("qemu-system-x86_64");
        Files.copy(Path.of("/bin/sh"), qemu, StandardCopyOption.COPY_ATTRIBUTES);
        long primary = start(qemu.toString(), tag + "-primary");
        long standby = start(qemu.toString(), tag + "-node1");
        start("/bin/sh", tag + "-node2"); // not a qemu, whatever its arguments say

        assertEquals(Optional.of(primary), QemuPriority.qemuPid(tag + "-primary"));
        assertEquals(Optional.of(standby), QemuPriority.qemuPid(tag + "-node1"));
        assertEquals(Optional.empty(), QemuPriority.qemuPid(tag + "-node2"), "a process that is not qemu is never picked");
        assertEquals(Optional.empty(), QemuPriority.qemuPid(tag + "-node"), "a domain name is matched whole");

        int base = QemuPriority.niceOf(primary, primary).orElseThrow();
        assertTrue(QemuPriority.behind(tag + "-node1", tag + "-primary") > 0);
        assertEquals(Optional.of(base + QemuPriority.STEP), QemuPriority.niceOf(standby, standby));
        QemuPriority.behind(tag + "-node1", tag + "-primary");
        assertEquals(Optional.of(base + QemuPriority.STEP), QemuPriority.niceOf(standby, standby), "run again: still one step behind");
        assertEquals(Optional.of(base), QemuPriority.niceOf(primary, primary), "the primary is left as it was");

        if ("root".equals(System.getProperty("user.name"))) { // only root may give a process its priority back
            assertTrue(QemuPriority.level(tag + "-node1", tag + "-primary") > 0);
            assertEquals(Optional.of(base), QemuPriority.niceOf(standby, standby));
        }
        assertEquals(0, QemuPriority.behind(tag + "-node3", tag + "-primary"), "no such domain: nothing is changed");
    }

    private long start(String program, String domain) throws Exception {
        Process process = new ProcessBuilder(program, "-c", "sleep 600; true", "-name", "guest=" + domain + ",debug-threads=on")
                .redirectErrorStream(true).start();
        started.add(process);
        return process.pid();
    }
}
