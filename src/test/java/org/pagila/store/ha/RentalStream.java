package org.pagila.store.ha;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.pagila.cluster.ha.PatroniCluster;

/**
 * Staff renting continuously through the store's API: every acknowledged rental (201) is recorded with its time, so a
 * write outage is the gap between the last acknowledgement before a fault and the first after it.
 */
final class RentalStream implements AutoCloseable {
    /** When the request was sent, when its 201 came back, and the copy rented. */
    record Ack(long sentNanos, long nanos, int copy) {
    }

    private final PatroniCluster cluster;
    private final Queue<Integer> copies;
    private final List<Ack> acks = Collections.synchronizedList(new ArrayList<>());
    private final Map<Integer, Integer> refusals = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();

    RentalStream(PatroniCluster cluster, List<Integer> freeCopies, int clients) {
        this.cluster = cluster;
        this.copies = new ConcurrentLinkedQueue<>(freeCopies);
        for (int i = 0; i < clients; i++) {
            Thread thread = new Thread(this::rent, "renting-" + i);
            threads.add(thread);
            thread.start();
        }
    }

    private void rent() {
        Integer copy;
        while (running.get() && (copy = copies.poll()) != null) {
            long sent = System.nanoTime();
            try {
                int status = HaTestSupport.rent(cluster, copy).statusCode();
                if (status == 201) {
                    acks.add(new Ack(sent, System.nanoTime(), copy));
                    continue;
                }
                refusals.merge(status, 1, Integer::sum);
            } catch (RuntimeException e) {
                // a cut connection is no acknowledgement
            }
            copies.add(copy);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    List<Ack> acks() {
        synchronized (acks) {
            return List.copyOf(acks);
        }
    }

    /** How many times each status other than 201 answered a rental (503 while read-only or the outcome unknown). */
    Map<Integer, Integer> refusals() {
        return Map.copyOf(refusals);
    }

    int count() {
        return acks.size();
    }

    /** The first rental acknowledged after the moment that was also sent after it (not one already in flight). */
    java.util.Optional<Ack> firstSentAfter(long nanos) {
        return acks().stream().filter(a -> a.sentNanos() > nanos).min(java.util.Comparator.comparingLong(Ack::nanos));
    }

    /**
     * The write outage around a fault: the longest gap between two consecutive acknowledgements that ends after the
     * fault (a rental in flight at the fault and acknowledged just after it counts as before).
     */
    OptionalLong outageAround(long faultNanos) {
        List<Long> times = acks().stream().map(Ack::nanos).sorted().toList();
        long longest = -1;
        for (int i = 1; i < times.size(); i++) {
            if (times.get(i) > faultNanos && times.get(i - 1) < faultNanos + 60_000_000_000L) {
                longest = Math.max(longest, times.get(i) - times.get(i - 1));
            }
        }
        return longest < 0 ? OptionalLong.empty() : OptionalLong.of(longest);
    }

    /** Median time from sending a rental to its 201, over the acknowledged ones. */
    long medianLatencyNanos() {
        List<Long> latencies = acks().stream().map(a -> a.nanos() - a.sentNanos()).sorted().toList();
        return latencies.isEmpty() ? 0 : latencies.get(latencies.size() / 2);
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        for (Thread thread : threads) {
            thread.join(15_000);
        }
    }
}
