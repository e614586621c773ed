package org.pagila.cluster;

import java.io.PrintStream;
import java.util.Locale;

/** Console progress for long work: every line carries the elapsed time and the step it belongs to. */
public final class Progress {
    private final PrintStream out;
    private final long start = System.nanoTime();
    private final int totalSteps;
    private int step;

    public Progress(PrintStream out, int totalSteps) {
        this.out = out;
        this.totalSteps = totalSteps;
    }

    public static Progress quiet() {
        return new Progress(new PrintStream(java.io.OutputStream.nullOutputStream()), 1);
    }

    /** Starts the next numbered step. */
    public void step(String what) {
        step++;
        print(String.format(Locale.ROOT, "[%d/%d] %s", Math.min(step, totalSteps), totalSteps, what));
    }

    /** A detail line under the current step. */
    public void detail(String what) {
        print("      " + what);
    }

    public void info(String what) {
        print(what);
    }

    private void print(String line) {
        double seconds = (System.nanoTime() - start) / 1e9;
        out.printf(Locale.ROOT, "[pagila-cluster %6.1fs] %s%n", seconds, line);
        out.flush();
    }
}
