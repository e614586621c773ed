package org.pagila.cluster.kvm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.Progress;
import org.pagila.cluster.transport.Shell;

/**
 * A private network namespace with a bridge holding the topology's host address, and a libvirtd (with its
 * virtlogd) of its own running inside it: the VMs' taps, their 192.168.122.0/24 and everything that talks to
 * them exist only in the namespace, never on the machine's own network. The daemons also get their own
 * configuration, state, socket and log directories (bind-mounted over libvirt's fixed paths in a private mount
 * namespace), so they share nothing with a libvirt installed on the machine; in particular Debian's `default`
 * network (also 192.168.122.1/24) is not in their configuration and never starts. {@link #close()} removes
 * domains, daemons (by process id), the namespace and the directory, whatever state things are in, but only when
 * this instance made them: a namespace of the same name that a live run owns is refused and left alone, and one a
 * killed run left behind is cleared first ({@link NetnsClaim}).
 */
public final class NetnsLibvirt implements AutoCloseable {
    /** libvirt's fixed paths for a root daemon, each replaced by a directory of ours. */
    private static final List<String> LIBVIRT_DIRS = List.of("/etc/libvirt", "/run/libvirt", "/var/lib/libvirt", "/var/log/libvirt",
            "/var/cache/libvirt");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final String namespace;
    private final String bridge;
    private final String hostAddressCidr;
    private final Path dir;
    private final Progress progress;
    private Process libvirtd;
    /** Set once start made the namespace: close removes only what this instance made, never another run's. */
    private boolean owned;

    /** namespace: a new name; bridge and hostAddressCidr: e.g. virbr-pagila and 192.168.122.1/24; dir: a new directory. */
    public NetnsLibvirt(String namespace, String bridge, String hostAddressCidr, Path dir, Progress progress) {
        this.namespace = namespace;
        this.bridge = bridge;
        this.hostAddressCidr = hostAddressCidr;
        this.dir = dir;
        this.progress = progress;
    }

    /** The programs this needs, as Debian packages, when one is missing; empty when all are there. */
    public static List<String> missingPackages() {
        List<String> missing = new ArrayList<>();
        Map<String, String> programs = Map.of("ip", "iproute2", "unshare", "util-linux", "libvirtd", "libvirt-daemon-system",
                "virtlogd", "libvirt-daemon-system", "virsh", "libvirt-clients", "qemu-system-x86_64", "qemu-system-x86",
                "qemu-img", "qemu-utils", "genisoimage", "genisoimage", "debootstrap", "debootstrap");
        programs.forEach((program, pkg) -> {
            if (Shell.exec(List.of("sh", "-c", "command -v " + program)).exitCode() != 0 && !missing.contains(pkg)) {
                missing.add(pkg);
            }
        });
        if (!Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libvirt/connection-driver/libvirt_driver_qemu.so"))) {
            missing.add("libvirt-daemon-driver-qemu");
        }
        return missing;
    }

    /** Creates the namespace and its bridge, writes the daemons' configuration and starts them. */
    public NetnsLibvirt start() {
        Optional<NetnsClaim> marker = NetnsClaim.read(namespace);
        switch (NetnsClaim.judge(exists(), marker)) {
            case FOREIGN -> throw new ClusterException("Network namespace " + namespace + " exists already and no run of ours made it:"
                    + " left alone");
            case IN_USE -> throw new ClusterException("Network namespace " + namespace + " is in use by a running test (process "
                    + marker.orElseThrow().pid() + "): left alone; wait for it or use another PAGILA_TEST_PORT_BLOCK");
            case LEFT_BY_A_DEAD_RUN -> {
                progress.detail("network namespace " + namespace + " was left by a run that is gone (process " + marker.orElseThrow().pid()
                        + "): its processes ended and the namespace removed");
                removeNamespace();
            }
            case FREE -> { }
        }
        // `ip netns add` fails if the name exists: of two runs starting at once, the second fails here, owning nothing
        ip("netns", "add", namespace);
        owned = true;
        NetnsClaim.ofThisProcess().write(namespace);
        deleteTree(dir);
        ip("-n", namespace, "link", "set", "lo", "up");
        ip("-n", namespace, "link", "add", bridge, "type", "bridge");
        ip("-n", namespace, "addr", "add", hostAddressCidr, "dev", bridge);
        ip("-n", namespace, "link", "set", bridge, "up");
        progress.detail("network namespace " + namespace + ": lo, bridge " + bridge + " with " + hostAddressCidr);
        writeConfiguration();
        startDaemons();
        return this;
    }

    /** The client URI: libvirt's system driver, through our daemon's socket. */
    public String uri() {
        return "qemu:///system?socket=" + dir.resolve("run/libvirt-sock");
    }

    public String namespace() {
        return namespace;
    }

    public long libvirtdPid() {
        return libvirtd.pid();
    }

    /** A command line that runs inside the namespace. */
    public List<String> inside(List<String> command) {
        List<String> wrapped = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        wrapped.addAll(command);
        return wrapped;
    }

    public Shell.Result virsh(String... args) {
        List<String> command = new ArrayList<>(List.of("virsh", "-c", uri()));
        command.addAll(List.of(args));
        return Shell.exec(command);
    }

    private void writeConfiguration() {
        try {
            for (String path : LIBVIRT_DIRS) {
                Files.createDirectories(privateDir(path));
                Files.createDirectories(Path.of(path));
            }
            Path etc = privateDir("/etc/libvirt");
            // Only the files the daemons read; no qemu/networks: Debian's `default` network is not there to autostart.
            Files.writeString(etc.resolve("libvirtd.conf"), """
                    # the private libvirtd of a test's network namespace (NetnsLibvirt)
                    unix_sock_group = "root"
                    unix_sock_ro_perms = "0700"
                    unix_sock_rw_perms = "0700"
                    auth_unix_ro = "none"
                    auth_unix_rw = "none"
                    log_outputs = "3:file:/var/log/libvirt/libvirtd.log"
                    """);
            Files.writeString(etc.resolve("virtlogd.conf"), "log_outputs = \"3:file:/var/log/libvirt/virtlogd.log\"\n");
            // QEMU runs as root with no security driver, cgroups or /dev namespace: the machine may itself be a
            // container, where those are unavailable; the namespace is the isolation here.
            Files.writeString(etc.resolve("qemu.conf"), """
                    user = "root"
                    group = "root"
                    dynamic_ownership = 0
                    remember_owner = 0
                    security_driver = "none"
                    cgroup_controllers = [ ]
                    namespaces = [ ]
                    """);
            Files.createDirectories(etc.resolve("qemu/networks/autostart"));
        } catch (IOException e) {
            throw new ClusterException("Cannot write the private libvirt configuration under " + dir + ": " + e.getMessage(), e);
        }
    }

    private void startDaemons() {
        StringBuilder script = new StringBuilder("set -e\n");
        for (String path : LIBVIRT_DIRS) {
            script.append("mount --bind ").append(privateDir(path)).append(' ').append(path).append('\n');
        }
        script.append("virtlogd -d\n");
        // exec: the libvirtd process is this very process, so its id is the one we hold
        script.append("exec libvirtd\n");
        try {
            libvirtd = new ProcessBuilder(inside(List.of("unshare", "--mount", "--propagation", "private", "sh", "-c", script.toString())))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("libvirtd.out").toFile()).start();
        } catch (IOException e) {
            throw new ClusterException("Cannot start libvirtd in " + namespace + ": " + e.getMessage(), e);
        }
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (!Files.exists(dir.resolve("run/libvirt-sock")) || virsh("version").exitCode() != 0) {
            if (!libvirtd.isAlive() || Instant.now().isAfter(deadline)) {
                throw new ClusterException("libvirtd did not come up in " + namespace + " (" + (libvirtd.isAlive() ? "no answer" : "exited "
                        + libvirtd.exitValue()) + "): " + tail(dir.resolve("libvirtd.out")) + tail(privateDir("/var/log/libvirt").resolve("libvirtd.log")));
            }
            sleep(Duration.ofMillis(300));
        }
        progress.detail("libvirtd (pid " + libvirtd.pid() + ") and virtlogd in " + namespace + ", socket " + dir.resolve("run/libvirt-sock"));
    }

    /** The processes in the namespace: the daemons, the VMs' qemu, anything started inside. */
    public List<Long> pids() {
        Shell.Result result = Shell.exec(List.of("ip", "netns", "pids", namespace));
        return result.exitCode() != 0 ? List.of()
                : result.output().lines().map(String::strip).filter(l -> l.matches("\\d+")).map(Long::parseLong).toList();
    }

    /** Domains off and undefined, daemons and every other process in the namespace ended by id, namespace and files gone. */
    @Override
    public void close() {
        if (!owned) {
            return;
        }
        if (libvirtd != null && libvirtd.isAlive()) {
            Shell.Result domains = virsh("list", "--all", "--name");
            if (domains.exitCode() == 0) {
                for (String domain : domains.output().lines().map(String::strip).filter(l -> !l.isEmpty()).toList()) {
                    virsh("destroy", domain);
                    virsh("undefine", domain);
                    progress.detail("domain " + domain + " removed");
                }
            }
            libvirtd.destroy();
            waitFor(libvirtd.toHandle());
        }
        removeNamespace();
        deleteTree(dir);
        NetnsClaim.forget(namespace);
        progress.detail("network namespace " + namespace + " and " + dir + " removed");
    }

    private boolean exists() {
        return Shell.exec(List.of("ip", "netns", "pids", namespace)).exitCode() == 0;
    }

    /** virtlogd, leftover qemu, a store or a PostgreSQL started inside: all are ours because the namespace is. */
    private void removeNamespace() {
        for (long pid : pids()) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
        }
        for (long pid : pids()) {
            ProcessHandle.of(pid).ifPresent(handle -> {
                waitFor(handle);
                handle.destroyForcibly();
            });
        }
        Shell.exec(List.of("ip", "netns", "del", namespace));
    }

    private Path privateDir(String path) {
        // /etc/libvirt -> DIR/etc, /var/lib/libvirt -> DIR/lib, ...
        return dir.resolve(Path.of(path).getParent().getFileName().toString());
    }

    private static void ip(String... args) {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(args));
        Shell.run(command);
    }

    private static void waitFor(ProcessHandle handle) {
        try {
            handle.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            handle.destroyForcibly();
        }
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            return "\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // what cannot be removed stays, named by the caller's report
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("Interrupted", e);
        }
    }
}
