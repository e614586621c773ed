package org.pagila.cluster.transport;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.pagila.cluster.ClusterException;

/**
 * How the engine reaches one node: a local process, `docker exec` into a container, or SSH to a VM. Every
 * engine step is written once against this seam and runs unchanged over each of them. Environment values
 * may travel on a command line (ssh): only names of files go there, never a secret; contents go over stdin.
 */
public interface NodeTransport {

    /** Where the commands run, for progress lines and errors ("ssh ubuntu@192.168.122.101"). */
    String describe();

    /** Runs a command as the node's PostgreSQL OS user, with stdin (null: none). */
    Shell.Result exec(List<String> command, Map<String, String> env, byte[] stdin);

    /** Runs a command as the node's administrator (root): service control, signals, files outside PostgreSQL's. */
    Shell.Result execAdmin(List<String> command);

    /**
     * Runs a command as the node's PostgreSQL OS user and hands its standard output, as bytes, to the reader: how the
     * backup reads a data directory (tar on the node) wherever the node runs. The result carries the error output.
     */
    Shell.Result read(List<String> command, Shell.OutputReader reader);

    default Shell.Result exec(List<String> command, Map<String, String> env) {
        return exec(command, env, null);
    }

    default Shell.Result exec(List<String> command) {
        return exec(command, Map.of(), null);
    }

    /** Writes a file as the PostgreSQL OS user, readable by that user only (some hold passwords): over stdin. */
    default void writeFile(String path, String content) {
        List<String> command = List.of("sh", "-c", "umask 077 && cat > \"$1\"", "write-file", path);
        checked(exec(command, Map.of(), content.getBytes(StandardCharsets.UTF_8)), command);
    }

    /** Runs the command as the PostgreSQL OS user and fails, with its output, unless it exits 0. */
    default String run(List<String> command) {
        return checked(exec(command), command);
    }

    default String run(List<String> command, Map<String, String> env) {
        return checked(exec(command, env), command);
    }

    default String runAdmin(List<String> command) {
        return checked(execAdmin(command), command);
    }

    private String checked(Shell.Result result, List<String> command) {
        if (result.exitCode() != 0) {
            throw new ClusterException("Command failed on " + describe() + " (exit " + result.exitCode() + "): "
                    + String.join(" ", command) + System.lineSeparator() + result.output());
        }
        return result.output();
    }

    /** One word for a POSIX shell, for transports whose commands pass through a remote shell (ssh). */
    static String quote(String word) {
        if (!word.isEmpty() && word.matches("[A-Za-z0-9_@%+=:,./-]+")) {
            return word;
        }
        return "'" + word.replace("'", "'\"'\"'") + "'";
    }

    static String quote(List<String> words) {
        List<String> quoted = new ArrayList<>();
        for (String word : words) {
            quoted.add(quote(word));
        }
        return String.join(" ", quoted);
    }
}
