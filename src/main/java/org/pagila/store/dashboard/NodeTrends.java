package org.pagila.store.dashboard;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/** The last few minutes of lag and reads per node, one sample per poll, for the sparklines. */
final class NodeTrends {
    private record Sample(long at, Long lagBytes, Double lagSeconds, double readsPerSecond) {
    }

    private final int kept;
    private final Map<String, Deque<Sample>> samples = new HashMap<>();

    NodeTrends(int kept) {
        this.kept = kept;
    }

    synchronized void add(String node, long at, Long lagBytes, Double lagSeconds, double readsPerSecond) {
        Deque<Sample> deque = samples.computeIfAbsent(node, n -> new ArrayDeque<>());
        deque.addLast(new Sample(at, lagBytes, lagSeconds, readsPerSecond));
        while (deque.size() > kept) {
            deque.removeFirst();
        }
    }

    synchronized Snapshot.Trend of(String node) {
        Sample[] list = samples.getOrDefault(node, new ArrayDeque<>()).toArray(Sample[]::new);
        long[] at = new long[list.length];
        Long[] bytes = new Long[list.length];
        Double[] seconds = new Double[list.length];
        double[] reads = new double[list.length];
        for (int i = 0; i < list.length; i++) {
            at[i] = list[i].at();
            bytes[i] = list[i].lagBytes();
            seconds[i] = list[i].lagSeconds();
            reads[i] = list[i].readsPerSecond();
        }
        return new Snapshot.Trend(at, bytes, seconds, reads);
    }
}
