package org.pagila.store.cluster;

import jakarta.enterprise.context.ApplicationScoped;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;
import org.eclipse.microprofile.config.ConfigProvider;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.ClusterSettings;
import org.pagila.cluster.backup.BackupSettings;
import org.pagila.cluster.cli.ClusterCli;
import org.pagila.cluster.ha.HaSettings;

/**
 * The cluster tool (`cluster/pagila-cluster`) run by the store in a JVM of its own: the embedded cluster's bring-up
 * and the demo controls that need the tooling's logins (promote, rejoin, ...). The tool reads the superuser's password
 * from admin-secrets.properties; running it in a child process keeps that file, and the password, out of the store's
 * process, whose own logins are the four of secrets.properties. The child gets the store's classes (the same build:
 * the tool is part of this project), the store's view of every setting the tool reads (so both act on the same
 * cluster whatever the profile), and its output is handed over line by line as it comes (the bring-up's progress).
 */
@ApplicationScoped
public class ClusterTool {

    /** Runs `pagila-cluster ARGS`; each line it prints (stdout and stderr) goes to {@code lines}. Fails as the tool does. */
    public void run(Consumer<String> lines, String... args) {
        List<String> command = command(List.of(args));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new ClusterException("Cannot start the cluster tool (" + command.get(0) + "): " + e.getMessage(), e);
        }
        String lastError = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            process.getOutputStream().close(); // it asks nothing
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.startsWith("error: ")) {
                    lastError = line.substring("error: ".length());
                } else {
                    lines.accept(line);
                }
            }
            int exit = process.waitFor();
            if (exit != 0) {
                throw new ClusterException(lastError != null ? lastError
                        : "cluster/pagila-cluster " + String.join(" ", args) + " failed (exit " + exit + ")");
            }
        } catch (IOException e) {
            process.destroyForcibly();
            throw new ClusterException("Lost the cluster tool's output: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new ClusterException("Interrupted while the cluster tool ran " + String.join(" ", args), e);
        }
    }

    List<String> command(List<String> args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // a short-lived tool: quick start, one GC thread; the same log manager as cluster/pagila-cluster
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Djava.util.logging.manager=org.jboss.logmanager.LogManager", "-cp", classpath()));
        var config = ConfigProvider.getConfig();
        settings(key -> config.getOptionalValue(key, String.class).filter(v -> !v.isBlank()))
                .forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add(ClusterCli.class.getName());
        command.addAll(args);
        return command;
    }

    /**
     * Every key the tool's settings read (cluster, backup, Patroni), as the store resolves it. A key the store leaves
     * unset is passed blank ("not set" to the tool), so the environment cannot point the tool at another cluster.
     */
    static Map<String, String> settings(Function<String, Optional<String>> config) {
        Map<String, String> asked = new TreeMap<>();
        Function<String, Optional<String>> recording = key -> {
            Optional<String> value = config.apply(key);
            asked.put(key, value.orElse(""));
            return value;
        };
        BackupSettings.from(ClusterSettings.from(recording), recording);
        HaSettings.from(recording);
        return asked;
    }

    /**
     * The store's own classpath. The packaged store (quarkus-run.jar) loads its classes from the jars beside it: the
     * application's, the boot and the main libraries. Tests and dev mode run from a plain classpath.
     */
    static String classpath() {
        String own = System.getProperty("java.class.path");
        Path runner = Path.of(own.split(java.io.File.pathSeparator)[0]).toAbsolutePath();
        if (runner.getFileName().toString().equals("quarkus-run.jar") && Files.isDirectory(runner.resolveSibling("lib"))) {
            Path app = runner.getParent();
            return String.join(java.io.File.pathSeparator, app.resolve("app") + "/*", app.resolve("lib/boot") + "/*",
                    app.resolve("lib/main") + "/*");
        }
        return own;
    }
}
