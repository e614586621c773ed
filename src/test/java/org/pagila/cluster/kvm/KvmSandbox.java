package org.pagila.cluster.kvm;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.pagila.cluster.transport.NodeTransport;
import org.pagila.cluster.transport.Shell;
import org.pagila.cluster.transport.SshTransport;

/**
 * What the KVM end-to-end test does inside its network namespace: the `kvm` commands as a real process (the
 * way an instructor runs them), HTTP to the store, SSH to a VM, the qemu processes' memory. Everything goes
 * through `ip netns exec`: the namespace's addresses do not exist outside it.
 */
final class KvmSandbox {
    private final NetnsLibvirt netns;
    private final Path configFile;
    private final KvmConfig config;

    KvmSandbox(NetnsLibvirt netns, Path configFile) {
        this.netns = netns;
        this.configFile = configFile;
        this.config = KvmConfig.load(configFile);
    }

    KvmConfig config() {
        return config;
    }

    /** `cluster/pagila-cluster kvm ARGS --config FILE` inside the namespace, its output echoed as it comes. */
    Shell.Result kvm(int timeoutSeconds, String... args) {
        List<String> command = new ArrayList<>(List.of(java(), "-Djava.util.logging.manager=org.jboss.logmanager.LogManager", "-cp",
                System.getProperty("java.class.path"), "org.pagila.cluster.cli.ClusterCli", "kvm"));
        command.addAll(List.of(args));
        command.addAll(List.of("--config", configFile.toString()));
        return run(netns.inside(command), Map.of(), timeoutSeconds, true);
    }

    /** An HTTP request from inside the namespace: status line and headers, then the body (curl -i). */
    String curl(String... args) {
        List<String> command = new ArrayList<>(List.of("curl", "-s", "-i", "--max-time", "30"));
        command.addAll(List.of(args));
        return run(netns.inside(command), Map.of(), 60, false).output();
    }

    /** One value from psql as postgres on a VM, over SSH from inside the namespace. */
    String sql(String node, String database, String query) {
        SshTransport ssh = ssh(node);
        List<String> remote = List.of("sudo", "-n", "-u", "postgres", "psql", "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1",
                "-p", String.valueOf(config.postgresPort()), "-d", database, "-c", query);
        Shell.Result result = run(netns.inside(ssh.ssh(remote)), Map.of(), 120, false);
        if (result.exitCode() != 0) {
            throw new AssertionError("psql on " + node + " failed: " + result.output());
        }
        return result.output().strip();
    }

    /**
     * One value from a node restored on the host (`kvm restore`, in the namespace's loopback), as the superuser with the
     * topology's password.
     */
    String restoredSql(int port, String query) {
        String password = org.pagila.cluster.secrets.Secrets.load(config.workDir().resolve("secrets.properties"))
                .password(org.pagila.cluster.secrets.Secrets.SUPERUSER);
        List<String> psql = List.of("psql", "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", String.valueOf(port),
                "-U", org.pagila.cluster.secrets.Secrets.SUPERUSER, "-d", "pagila", "-c", query);
        Shell.Result result = run(netns.inside(psql), Map.of("PGPASSWORD", password), 60, false);
        if (result.exitCode() != 0) {
            throw new AssertionError("psql on the restored node (port " + port + ") failed: " + result.output());
        }
        return result.output().strip();
    }

    /** A command as root on a VM. */
    Shell.Result admin(String node, String... command) {
        return run(netns.inside(ssh(node).ssh(prefixed(List.of("sudo", "-n"), command))), Map.of(), 120, false);
    }

    /** The store, packaged (java -jar), started inside the namespace. */
    Process startStore(Path jar, Map<String, String> env, Path log) {
        ProcessBuilder builder = new ProcessBuilder(netns.inside(List.of(java(), "-jar", jar.toString())))
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        try {
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Resident memory of each VM's qemu process, in MiB, by domain name. */
    Map<String, Long> qemuRssMib() {
        Map<String, Long> rss = new java.util.TreeMap<>();
        for (long pid : netns.pids()) {
            try {
                Path proc = Path.of("/proc", String.valueOf(pid));
                if (!Files.readString(proc.resolve("comm")).startsWith("qemu-system")) {
                    continue;
                }
                String cmdline = Files.readString(proc.resolve("cmdline")).replace('\0', ' ');
                String name = cmdline.replaceAll(".*-name guest=([^, ]+).*", "$1");
                long kib = Files.readAllLines(proc.resolve("status")).stream().filter(l -> l.startsWith("VmRSS:"))
                        .map(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst().orElse(0L);
                rss.put(name, kib / 1024);
            } catch (IOException e) {
                // the process ended meanwhile
            }
        }
        return rss;
    }

    /** What a failed apply leaves to read on the VMs before they are destroyed: the server's state, log and sockets. */
    String postgresLogs() {
        StringBuilder out = new StringBuilder();
        for (KvmConfig.Node node : config().vms()) {
            out.append("\n---- PostgreSQL on ").append(node.name()).append('\n').append(admin(node.name(), "sh", "-c",
                    "pg_lsclusters; ss -ltn; tail -n 30 /var/log/postgresql/postgresql-*-main.log").output());
        }
        return out.toString();
    }

    String consoles() {
        StringBuilder out = new StringBuilder();
        for (KvmConfig.Node node : config().vms()) {
            Path log = config().workDir().resolve(config().domainName(node) + "-console.log");
            try {
                List<String> lines = Files.readAllLines(log);
                out.append("\n---- ").append(log).append(" (last lines)\n")
                        .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 25), lines.size())));
            } catch (IOException e) {
                out.append("\n(no console log ").append(log).append(")");
            }
        }
        return out.toString();
    }

    private SshTransport ssh(String node) {
        return new SshTransport(config.vmUser(), config.node(node).address(), config.workDir().resolve("id_ed25519"), "postgres");
    }

    private static List<String> prefixed(List<String> prefix, String... command) {
        List<String> all = new ArrayList<>(prefix);
        all.addAll(List.of(command));
        return all;
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Runs to completion (or the timeout, then kills it by its id); optionally echoing the output line by line. */
    static Shell.Result run(List<String> command, Map<String, String> env, int timeoutSeconds, boolean echo) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            StringBuilder output = new StringBuilder();
            Thread reader = new Thread(() -> copy(process.getInputStream(), output, echo));
            reader.start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                reader.join(5000);
                return new Shell.Result(-1, output + "\n(timed out after " + timeoutSeconds + " s: " + NodeTransport.quote(command) + ")");
            }
            reader.join(5000);
            return new Shell.Result(process.exitValue(), output.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void copy(InputStream in, StringBuilder output, boolean echo) {
        try (var reader = new java.io.BufferedReader(new java.io.InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                synchronized (output) {
                    output.append(line).append('\n');
                }
                if (echo) {
                    System.out.println(line);
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }
}
