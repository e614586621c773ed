package org.pagila.cluster;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * How provisioning reaches one node: a local process, `docker exec` into a container, or SSH to a VM. The
 * node plan is written against this seam once and runs unchanged over each of them.
 */
public interface NodeTransport {

    /** Where the commands run, for progress lines and errors ("ssh ubuntu@192.168.122.101"). */
    String describe();

    /** Runs a command as the node's PostgreSQL OS user (the files it writes belong to that user). */
    Shell.Result exec(List<String> command, Map<String, String> env);

    /** Runs a command as the node's administrator (root): service control that the service manager owns. */
    Shell.Result execAdmin(List<String> command);

    /** Writes a file as the PostgreSQL OS user, readable by that user only (some hold passwords). */
    default void writeFile(String path, String content) {
        String base64 = Base64.getEncoder().encodeToString(content.getBytes(StandardCharsets.UTF_8));
        // The content travels base64-encoded as an argument: no quoting pitfalls, no stdin plumbing over ssh.
        run(List.of("sh", "-c", "umask 077 && printf '%s' \"$1\" | base64 -d > \"$2\"", "write-file", base64, path));
    }

    default Shell.Result exec(List<String> command) {
        return exec(command, Map.of());
    }

    /** Runs the command as the PostgreSQL OS user and fails, with its output, unless it exits 0. */
    default String run(List<String> command) {
        return checked(exec(command), command);
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
