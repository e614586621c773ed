package org.pagila.cluster.cli;

import java.io.PrintWriter;
import org.pagila.cluster.ClusterException;

/**
 * What an operator reads when a command fails: the message of a {@link ClusterException} as it is (it says what to
 * do), and for anything unexpected one line naming the failure instead of a Java stack trace, which only a developer
 * can read; PAGILA_CLUSTER_TRACE=1 brings the trace back for them.
 */
final class CliErrors {
    static final String TRACE_VARIABLE = "PAGILA_CLUSTER_TRACE";

    private CliErrors() {
    }

    /** Prints the failure and returns the exit status (1). */
    static int report(Exception failure, PrintWriter err, boolean trace) {
        if (failure instanceof ClusterException) {
            err.println("error: " + failure.getMessage());
        } else {
            err.println("error: " + describe(failure));
            err.println("(an unexpected failure of the command itself; " + TRACE_VARIABLE + "=1 shows where it happened)");
        }
        if (trace) {
            failure.printStackTrace(err);
        }
        err.flush();
        return 1;
    }

    static boolean traceRequested() {
        return "1".equals(System.getenv(TRACE_VARIABLE));
    }

    /** The exception's own words, or its kind when it has none (a NullPointerException without a message). */
    static String describe(Throwable failure) {
        String message = failure.getMessage();
        String kind = failure.getClass().getSimpleName();
        return message == null || message.isBlank() ? kind : kind + ": " + message;
    }
}
