package org.pagila.cluster.engine;

import java.util.List;

/**
 * One idempotent action on one node. It describes itself without running (plans print these lines), knows
 * whether it has nothing left to do, and does it. A step may describe several lines when it does several
 * things that stand or fall together (the clone: check, stop, empty, copy).
 */
public interface Step {
    String node();

    List<String> describe();

    /** Checked right before apply; true skips it. Steps whose apply converges by itself keep the default. */
    default boolean isDone() {
        return false;
    }

    void apply();

    /** One line for progress: all its lines joined, unless the step says it shorter. */
    default String headline() {
        return String.join("; ", describe());
    }

    /** Each list in its own order, the lists at once (nodes whose steps do not depend on each other). */
    static Step together(List<List<Step>> perNode, org.pagila.cluster.Progress progress) {
        return new ConcurrentSteps(perNode, progress);
    }

    /** A one-line step. */
    static Step of(String node, String description, Runnable apply) {
        return of(node, description, () -> false, apply);
    }

    static Step of(String node, String description, java.util.function.BooleanSupplier done, Runnable apply) {
        return new Step() {
            @Override
            public String node() {
                return node;
            }

            @Override
            public List<String> describe() {
                return List.of(description);
            }

            @Override
            public boolean isDone() {
                return done.getAsBoolean();
            }

            @Override
            public void apply() {
                apply.run();
            }
        };
    }
}
