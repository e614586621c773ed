package org.pagila.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a local command to completion and keeps its combined output for error messages. */
public final class Shell {
    public record Result(int exitCode, String output) {
    }

    private Shell() {
    }

    public static Result exec(List<String> command) {
        return exec(command, Map.of(), 300);
    }

    public static Result exec(List<String> command, Map<String, String> env, int timeoutSeconds) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new ClusterException("Timed out after " + timeoutSeconds + " s: " + String.join(" ", command));
            }
            return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
            throw new ClusterException("Cannot run " + command.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("Interrupted while running " + String.join(" ", command), e);
        }
    }

    /** Runs the command and fails, with its output, unless it exits 0. */
    public static String run(List<String> command) {
        Result result = exec(command);
        if (result.exitCode() != 0) {
            throw new ClusterException("Command failed (exit " + result.exitCode() + "): " + String.join(" ", command)
                    + System.lineSeparator() + result.output());
        }
        return result.output();
    }
}
