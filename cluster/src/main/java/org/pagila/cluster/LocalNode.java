package org.pagila.cluster;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** One PostgreSQL server run as local processes: its data directory, its log, and pg_ctl. */
public final class LocalNode {
    private final ClusterSettings.NodeAddress address;
    private final Path dir;
    private final PostgresBinaries binaries;
    private final NodeTransport transport = new LocalTransport(300);

    public LocalNode(ClusterSettings.NodeAddress address, Path clusterDir, PostgresBinaries binaries) {
        this.address = address;
        this.dir = clusterDir.resolve(address.name());
        this.binaries = binaries;
    }

    public String name() {
        return address.name();
    }

    public ClusterSettings.NodeAddress address() {
        return address;
    }

    public Path dir() {
        return dir;
    }

    public Path dataDir() {
        return dir.resolve("data");
    }

    public Path logFile() {
        return dir.resolve("postgres.log");
    }

    public boolean isInitialized() {
        return Files.isRegularFile(dataDir().resolve("PG_VERSION"));
    }

    /** standby.signal is present: the node starts as a standby. */
    public boolean isStandby() {
        return Files.exists(dataDir().resolve("standby.signal"));
    }

    /** The node's WAL timeline: each promotion starts a new one and leaves a history file behind. */
    public int timeline() {
        try (var files = Files.list(dataDir().resolve("pg_wal"))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.matches("[0-9A-F]{8}\\.history"))
                    .mapToInt(n -> Integer.parseInt(n.substring(0, 8), 16)).max().orElse(1);
        } catch (IOException e) {
            return 1;
        }
    }

    public boolean isRunning() {
        return isInitialized() && pgCtl("status").exitCode() == 0;
    }

    public void initdb(String superuserPassword) {
        try {
            Files.createDirectories(dir);
            Path pwfile = dir.resolve("initdb.pw");
            Files.writeString(pwfile, superuserPassword);
            ServiceUser.own(dir);
            try {
                run(List.of(binaries.program("initdb").toString(), "-D", dataDir().toString(), "-U", Secrets.SUPERUSER,
                        "--pwfile=" + pwfile, "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C", "--no-sync"));
            } finally {
                Files.deleteIfExists(pwfile);
            }
        } catch (IOException e) {
            throw new ClusterException("Cannot prepare " + dir + ": " + e.getMessage(), e);
        }
    }

    public void writeFile(String relativePath, String content) {
        transport.writeFile(dataDir().resolve(relativePath).toString(), content);
    }

    public void appendFile(String relativePath, String content) {
        try {
            Files.writeString(dataDir().resolve(relativePath), content, java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new ClusterException("Cannot write " + relativePath + " of " + name() + ": " + e.getMessage(), e);
        }
    }

    public void start() {
        if (isRunning()) {
            return;
        }
        if (portTaken()) {
            throw new ClusterException("Port " + address.port() + " for " + name() + " is already taken by another program."
                    + " Stop it, or choose other ports with PAGILA_CLUSTER_HOSTS (primary,node1,node2,node3 as host:port).");
        }
        ServiceUser.own(dir);
        Shell.Result result = pgCtl("start", "-w", "-t", "120", "-l", logFile().toString());
        if (result.exitCode() != 0) {
            throw new ClusterException(name() + " did not start (pg_ctl exit " + result.exitCode() + "). Last log lines:\n" + tailLog());
        }
    }

    public void stop() {
        if (isRunning()) {
            Shell.Result result = pgCtl("stop", "-m", "fast", "-w", "-t", "60");
            if (result.exitCode() != 0) {
                throw new ClusterException(name() + " did not stop: " + result.output());
            }
        }
    }

    /**
     * SIGKILL of the postmaster, as a crash would. Its children exit by themselves once they notice; any that
     * a freeze stopped are let go (SIGCONT) so they can. Returns the pid killed, if any.
     */
    public Optional<Long> kill() {
        Optional<Long> pid = postmasterPid();
        List<Long> children = processTree().stream().skip(1).toList();
        pid.flatMap(ProcessHandle::of).ifPresent(ProcessHandle::destroyForcibly);
        signal("CONT", children);
        return pid;
    }

    /** SIGSTOP of the server and all its processes: a hung machine, to the clients (TCP still accepts). */
    public List<Long> freeze() {
        List<Long> tree = processTree();
        signal("STOP", tree);
        return tree;
    }

    public List<Long> thaw() {
        List<Long> tree = processTree();
        signal("CONT", tree);
        return tree;
    }

    private List<Long> processTree() {
        return postmasterPid().flatMap(ProcessHandle::of).map(p -> java.util.stream.Stream.concat(java.util.stream.Stream.of(p),
                p.descendants()).map(ProcessHandle::pid).toList()).orElse(List.of());
    }

    private static void signal(String signal, List<Long> pids) {
        if (pids.isEmpty()) {
            return;
        }
        List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
        pids.forEach(p -> command.add(String.valueOf(p)));
        Shell.exec(command);
    }

    public Optional<Long> postmasterPid() {
        Path pidFile = dataDir().resolve("postmaster.pid");
        try {
            if (!Files.isRegularFile(pidFile)) {
                return Optional.empty();
            }
            return Optional.of(Long.parseLong(Files.readAllLines(pidFile).get(0).trim()));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    public String tailLog() {
        try {
            List<String> lines = Files.readAllLines(logFile());
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "(no log at " + logFile() + ")";
        }
    }

    private boolean portTaken() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address.host(), address.port()), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private Shell.Result pgCtl(String... args) {
        List<String> command = new ArrayList<>(List.of(binaries.program("pg_ctl").toString(), "-D", dataDir().toString()));
        command.addAll(List.of(args));
        return transport.exec(command);
    }

    private String run(List<String> command) {
        return transport.run(command);
    }
}
