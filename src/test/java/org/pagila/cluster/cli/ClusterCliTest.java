package org.pagila.cluster.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pagila.cluster.ClusterException;
import picocli.CommandLine;

/**
 * The command line as an operator meets it, parsed only (nothing here runs a command, so no cluster is touched):
 * --help on every subcommand, first description lines that read whole in the command list, one-line errors.
 */
class ClusterCliTest {
    @Test
    void everySubcommandAnswersHelpInsteadOfRunning() {
        List<List<String>> paths = commandPaths(ClusterCli.commandLine(), List.of());
        // the walk reaches the commands (else the loops below would check nothing): backup and kvm's own subcommands
        assertTrue(paths.contains(List.of("backup")) && paths.contains(List.of("kvm", "restore")), paths.toString());
        for (List<String> path : paths) {
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            CommandLine.ParseResult parsed = ClusterCli.commandLine().parseArgs(args.toArray(String[]::new));
            while (parsed.hasSubcommand()) {
                parsed = parsed.subcommand();
            }
            assertTrue(parsed.isUsageHelpRequested(), String.join(" ", args) + " must show the usage, not run");
        }
    }

    @Test
    void everyDescriptionStartsWithAWholeSentence() {
        for (List<String> path : commandPaths(ClusterCli.commandLine(), List.of())) {
            CommandLine command = ClusterCli.commandLine();
            for (String name : path) {
                command = command.getSubcommands().get(name);
            }
            String first = command.getCommandSpec().usageMessage().description()[0];
            assertTrue(Character.isUpperCase(first.charAt(0)) && first.endsWith("."),
                    String.join(" ", path) + ": the command list shows only '" + first + "'");
        }
    }

    @Test
    void anOperatorsMistakeIsItsMessageAlone() {
        StringWriter err = new StringWriter();
        assertEquals(1, CliErrors.report(new ClusterException("node9 is not a node"), new PrintWriter(err), false));
        assertEquals("error: node9 is not a node", err.toString().strip());
    }

    @Test
    void anUnexpectedFailureIsOneLineNotAStackTrace() {
        StringWriter err = new StringWriter();
        assertEquals(1, CliErrors.report(new IllegalArgumentException("URI with undefined scheme"), new PrintWriter(err), false));
        assertTrue(err.toString().startsWith("error: IllegalArgumentException: URI with undefined scheme"), err.toString());
        assertFalse(err.toString().contains("\tat "), err.toString());
        assertTrue(err.toString().contains(CliErrors.TRACE_VARIABLE), "says how to see the trace");
    }

    @Test
    void theTraceIsThereWhenAsked() {
        StringWriter err = new StringWriter();
        CliErrors.report(new NullPointerException(), new PrintWriter(err), true);
        assertTrue(err.toString().startsWith("error: NullPointerException"), err.toString());
        assertTrue(err.toString().contains("\tat "), err.toString());
    }

    private static List<List<String>> commandPaths(CommandLine command, List<String> prefix) {
        List<List<String>> paths = new ArrayList<>();
        command.getSubcommands().forEach((name, sub) -> {
            List<String> path = new ArrayList<>(prefix);
            path.add(name);
            paths.add(path);
            paths.addAll(commandPaths(sub, path));
        });
        return paths;
    }
}
