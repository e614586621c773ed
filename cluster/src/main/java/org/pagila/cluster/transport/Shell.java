package org.pagila.cluster.transport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.Redaction;

/**
 * Runs a local command to completion and keeps its combined output for error messages. The output is read on
 * its own thread while this one waits with the timeout, so a command that hangs with its pipe open (a stuck
 * ssh, a pg_basebackup waiting on a dead primary) is killed when the timeout fires, with its descendants.
 * Input for the command (file contents, secrets) goes over stdin, never on the command line.
 */
public final class Shell {
    public record Result(int exitCode, String output) {
    }

    /** Output readers block on their pipe: their own daemon threads, not the common pool (one thread on 2 cores). */
    private static final ExecutorService READERS = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "shell-output");
        thread.setDaemon(true);
        return thread;
    });

    /** Kills a streamed command that outlives its timeout (its reader is blocked on the pipe meanwhile). */
    private static final java.util.concurrent.ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "shell-watchdog");
        thread.setDaemon(true);
        return thread;
    });

    private Shell() {
    }

    public static Result exec(List<String> command) {
        return exec(command, Map.of(), 300);
    }

    public static Result exec(List<String> command, Map<String, String> env, int timeoutSeconds) {
        return exec(command, env, null, timeoutSeconds);
    }

    /** stdin: bytes written to the command's standard input (null: none, the input is closed at once). */
    public static Result exec(List<String> command, Map<String, String> env, byte[] stdin, int timeoutSeconds) {
        Process process = start(new ProcessBuilder(command).redirectErrorStream(true), env);
        CompletableFuture<byte[]> output = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()), READERS);
        try {
            try (OutputStream in = process.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin);
                }
            } catch (IOException e) {
                // the command exited without reading its input; its exit code and output say why
            }
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                kill(process);
                throw new ClusterException("Timed out after " + timeoutSeconds + " s (killed): " + String.join(" ", command)
                        + partialOutput(output));
            }
            // the process is gone; a descendant may still hold the pipe open: read what there is, briefly
            byte[] bytes = output.get(10, TimeUnit.SECONDS);
            return new Result(process.exitValue(), new String(bytes, StandardCharsets.UTF_8).strip());
        } catch (TimeoutException e) {
            return new Result(process.exitValue(), "(output not closed by a process the command left behind)");
        } catch (ExecutionException e) {
            throw new ClusterException("Cannot read the output of " + command.get(0) + ": " + e.getCause().getMessage(), e);
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
            throw new ClusterException("Interrupted while running " + String.join(" ", command), e);
        }
    }

    /** Reads a command's standard output as bytes (a tar of a data directory); may throw what the command's reader throws. */
    @FunctionalInterface
    public interface OutputReader {
        void read(InputStream stdout) throws IOException;
    }

    /**
     * Runs the command and hands its standard output to the reader on this thread, while its error output is kept
     * for the result. The timeout bounds the whole run; a reader that fails kills the command.
     */
    public static Result stream(List<String> command, Map<String, String> env, OutputReader reader, int timeoutSeconds) {
        Process process = start(new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))), env);
        CompletableFuture<byte[]> errors = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()), READERS);
        java.util.concurrent.ScheduledFuture<?> watchdog = WATCHDOG.schedule(() -> kill(process), timeoutSeconds, TimeUnit.SECONDS);
        try (InputStream out = process.getInputStream()) {
            reader.read(out);
            // whatever the reader left unread would block the command on a full pipe
            out.transferTo(OutputStream.nullOutputStream());
        } catch (IOException | RuntimeException e) {
            kill(process);
            String why = watchdog.isDone() ? "Timed out after " + timeoutSeconds + " s (killed): " : "Reading the output of ";
            throw new ClusterException(why + String.join(" ", command) + " failed: " + e.getMessage()
                    + partialOutput(errors), e);
        } finally {
            watchdog.cancel(false);
        }
        try {
            process.waitFor();
            return new Result(process.exitValue(), new String(errors.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8).strip());
        } catch (TimeoutException | ExecutionException e) {
            return new Result(process.exitValue(), "(error output not closed by a process the command left behind)");
        } catch (InterruptedException e) {
            kill(process);
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

    private static Process start(ProcessBuilder builder, Map<String, String> env) {
        builder.environment().putAll(env);
        try {
            return builder.start();
        } catch (IOException e) {
            throw new ClusterException("Cannot run " + builder.command().get(0) + ": " + e.getMessage(), e);
        }
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private static String partialOutput(CompletableFuture<byte[]> output) {
        try {
            byte[] bytes = output.get(2, TimeUnit.SECONDS);
            String text = new String(bytes, StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? "" : System.lineSeparator() + Redaction.apply(text);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        } catch (ExecutionException | TimeoutException e) {
            return "";
        }
    }

    private static byte[] readAll(InputStream in) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(chunk)) >= 0) {
                buffer.write(chunk, 0, n);
            }
        } catch (IOException e) {
            // the stream closes when the process is killed: keep what came before
        }
        return buffer.toByteArray();
    }
}
