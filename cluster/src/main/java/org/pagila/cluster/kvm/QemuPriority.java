package org.pagila.cluster.kvm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.pagila.cluster.transport.Shell;

/**
 * A VM's qemu process one step behind in the CPU queue, or back. Under emulation on fewer cores than VMs, every VM
 * booted at the pace of an equal share, and the primary, which every later step of apply waits for, was the last
 * VM up in both runs measured before this (213 s and 185 s after its start; the standbys 169 to 204 s). With the standbys' qemu at a
 * nice value {@value #STEP} higher while they boot, the primary boots first and is set up while they finish; each
 * standby gets its share back once it is up. Nice values belong to threads on Linux, so every thread of the qemu
 * process is changed (the vCPU is one of them). Only where qemu runs on this machine.
 */
final class QemuPriority {
    static final int STEP = 5;

    private QemuPriority() {
    }

    /** Only for a local libvirt under software emulation: with KVM, or qemu elsewhere, there is nothing to share here. */
    static boolean applies(KvmConfig config, Acceleration acceleration) {
        return acceleration.kind() == Acceleration.Kind.TCG && config.libvirtUri().startsWith("qemu:///")
                && config.primaryPlacement() == KvmConfig.Placement.VM;
    }

    /**
     * Every thread of the domain's qemu process at the reference domain's nice value plus STEP (so, run twice, it
     * changes nothing more); how many threads were set. Nothing without both processes.
     */
    static int behind(String domain, String reference) {
        return setRelativeTo(domain, reference, STEP);
    }

    /** Every thread of the domain's qemu process at the reference domain's nice value again. */
    static int level(String domain, String reference) {
        return setRelativeTo(domain, reference, 0);
    }

    private static int setRelativeTo(String domain, String reference, int step) {
        Optional<Long> pid = qemuPid(domain);
        Optional<Integer> base = qemuPid(reference).flatMap(p -> niceOf(p, p));
        if (pid.isEmpty() || base.isEmpty()) {
            return 0;
        }
        String nice = String.valueOf(Math.max(-20, Math.min(19, base.get() + step)));
        int set = 0;
        for (long thread : threads(pid.get())) {
            if (Shell.exec(List.of("renice", "-n", nice, "-p", String.valueOf(thread))).exitCode() == 0) {
                set++;
            }
        }
        return set;
    }

    /** The qemu process libvirt started for the domain: its command line names it (`-name guest=NAME,...`). */
    static Optional<Long> qemuPid(String domain) {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().matches("\\d+")).filter(p -> isQemuOf(p, domain))
                    .map(p -> Long.parseLong(p.getFileName().toString())).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static boolean isQemuOf(Path proc, String domain) {
        try {
            List<String> args = List.of(Files.readString(proc.resolve("cmdline")).split("\0"));
            return !args.isEmpty() && Path.of(args.get(0)).getFileName().toString().startsWith("qemu-system")
                    && args.stream().anyMatch(a -> a.equals("guest=" + domain) || a.startsWith("guest=" + domain + ","));
        } catch (IOException | RuntimeException e) {
            return false; // ended meanwhile, or not ours to read
        }
    }

    private static List<Long> threads(long pid) {
        List<Long> ids = new ArrayList<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
            tasks.forEach(t -> ids.add(Long.parseLong(t.getFileName().toString())));
        } catch (IOException e) {
            // the process ended
        }
        return ids;
    }

    /** Field 19 of /proc/PID/task/TID/stat, counted after the command name (which may hold spaces). */
    static Optional<Integer> niceOf(long pid, long thread) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "task", String.valueOf(thread), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Optional.of(Integer.parseInt(fields[16]));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
