package org.pagila.cluster.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.Progress;

/**
 * Several nodes' step lists run at once, each list in its own order (on its own thread): where the nodes' work does
 * not depend on each other, e.g. standbys each cloned through its own slot. It describes every inner step, prefixed by
 * its node, so a plan prints the same lines; it waits for every list to end, then fails naming each node that failed.
 */
final class ConcurrentSteps implements Step {
    private final List<List<Step>> branches;
    private final Progress progress;

    ConcurrentSteps(List<List<Step>> branches, Progress progress) {
        this.branches = List.copyOf(branches);
        this.progress = progress;
    }

    @Override
    public String node() {
        return "";
    }

    @Override
    public List<String> describe() {
        List<String> lines = new ArrayList<>();
        lines.add(headline());
        branches.forEach(branch -> lines.addAll(new Plan(branch).lines()));
        return lines;
    }

    @Override
    public String headline() {
        return "at once, each in its own order: " + String.join(", ", branches.stream().map(ConcurrentSteps::nodeOf).toList());
    }

    @Override
    public void apply() {
        ExecutorService threads = Executors.newFixedThreadPool(branches.size(), runnable -> {
            Thread thread = new Thread(runnable, "steps");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<?>> running = branches.stream().<Future<?>>map(branch -> threads.submit(() -> new Plan(branch).run(progress))).toList();
            List<String> failed = new ArrayList<>();
            Throwable first = null;
            for (int i = 0; i < running.size(); i++) {
                try {
                    running.get(i).get();
                } catch (ExecutionException e) {
                    failed.add(nodeOf(branches.get(i)) + ": " + e.getCause().getMessage());
                    first = first == null ? e.getCause() : first;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ClusterException("Interrupted while " + headline(), e);
                }
            }
            if (!failed.isEmpty()) {
                throw new ClusterException(String.join("; ", failed), first);
            }
        } finally {
            threads.shutdownNow();
        }
    }

    private static String nodeOf(List<Step> branch) {
        return branch.stream().map(Step::node).filter(n -> !n.isEmpty()).findFirst().orElse("?");
    }
}
