package org.pagila.cluster.engine;

import java.util.ArrayList;
import java.util.List;
import org.pagila.cluster.Progress;

/** Steps in order: printed from their own descriptions, run by asking each whether it is done. */
public final class Plan {
    private final List<Step> steps;

    public Plan(List<Step> steps) {
        this.steps = List.copyOf(steps);
    }

    public List<Step> steps() {
        return steps;
    }

    /** "node: action" for every line of every step, as a plan prints them (no prefix for steps of no node). */
    public List<String> lines() {
        List<String> lines = new ArrayList<>();
        for (Step step : steps) {
            step.describe().forEach(line -> lines.add(step.node().isEmpty() ? line : step.node() + ": " + line));
        }
        return lines;
    }

    /** One progress line per step: its first line when it had nothing to do, all its lines when it runs. */
    public void run(Progress progress) {
        for (Step step : steps) {
            if (step.isDone()) {
                progress.detail("[" + step.node() + "] done already: " + step.describe().get(0));
                continue;
            }
            progress.detail("[" + step.node() + "] " + step.headline());
            step.apply();
        }
    }
}
