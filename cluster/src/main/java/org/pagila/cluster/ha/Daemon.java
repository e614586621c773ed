package org.pagila.cluster.ha;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.transport.ServiceUser;

/**
 * A long-running process of the profile (etcd member, Patroni, HAProxy): started detached in its own session so it
 * outlives the command that started it, as the service user when we are root, with its pid kept in a file.
 * setsid and setpriv exec rather than fork, so the pid we get is the daemon's own.
 */
public record Daemon(String name, Path pidFile, Path logFile) {

    public boolean isRunning() {
        return pid().flatMap(ProcessHandle::of).map(ProcessHandle::isAlive).orElse(false);
    }

    public Optional<Long> pid() {
        try {
            return Files.isRegularFile(pidFile) ? Optional.of(Long.parseLong(Files.readString(pidFile).trim())) : Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Starts the command unless this daemon already runs; its output goes to the log file. */
    public void start(List<String> command, Map<String, String> env) {
        if (isRunning()) {
            return;
        }
        List<String> full = new ArrayList<>(List.of("setsid"));
        if (ServiceUser.isRoot()) {
            full.addAll(List.of("setpriv", "--reuid=" + ServiceUser.NAME, "--regid=" + ServiceUser.NAME, "--init-groups", "--"));
        }
        full.addAll(command);
        try {
            Files.createDirectories(logFile.getParent());
            ProcessBuilder builder = new ProcessBuilder(full).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            builder.environment().putAll(env);
            Process process = builder.start();
            Files.writeString(pidFile, process.pid() + "\n");
            ServiceUser.own(logFile);
        } catch (IOException e) {
            throw new ClusterException("Cannot start " + name + " (" + command.get(0) + "): " + e.getMessage(), e);
        }
    }

    /** SIGTERM, then waits for the process to finish its own shutdown (Patroni stops PostgreSQL first). */
    public void stop(Duration patience) {
        Optional<ProcessHandle> process = pid().flatMap(ProcessHandle::of).filter(ProcessHandle::isAlive);
        if (process.isPresent()) {
            process.get().destroy();
            if (!await(process.get(), patience)) {
                process.get().destroyForcibly();
                await(process.get(), Duration.ofSeconds(5));
            }
        }
        deletePidFile();
    }

    /** SIGKILL of the daemon and everything it started, at once, as a power loss would. Returns the pids killed. */
    public List<Long> killWithDescendants() {
        List<ProcessHandle> all = pid().flatMap(ProcessHandle::of).filter(ProcessHandle::isAlive)
                .map(p -> Stream.concat(Stream.of(p), p.descendants()).toList()).orElse(List.of());
        all.forEach(ProcessHandle::destroyForcibly);
        all.forEach(p -> await(p, Duration.ofSeconds(5)));
        return all.stream().map(ProcessHandle::pid).toList();
    }

    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(logFile);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log at " + logFile + ")";
        }
    }

    private void deletePidFile() {
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException e) {
            throw new ClusterException("Cannot remove " + pidFile + ": " + e.getMessage(), e);
        }
    }

    static boolean await(ProcessHandle process, Duration patience) {
        try {
            process.onExit().get(patience.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
