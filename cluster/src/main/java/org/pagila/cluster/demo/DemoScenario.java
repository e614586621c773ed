package org.pagila.cluster.demo;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import org.pagila.cluster.ClusterException;

/**
 * The classroom scenario, told on the console as it happens: light load, crash the primary, the store goes
 * read-only, promote, writable again, rejoin the old primary until it streams. Times are measured against what
 * the store itself reports (/api/cluster), polled every 50 ms.
 */
final class DemoScenario {
    private static final Duration POLL = Duration.ofMillis(50);

    /** A moment worth a line in the plot, in milliseconds since the start. */
    record Marker(long at, String label) {
    }

    /** A shaded stretch of the plot. */
    record Phase(long from, long to, String label, String colour) {
    }

    /** What the scenario measured: the figures of the summary and the plot's annotations. */
    record Result(String oldPrimary, String newPrimary, long readOnlyAfterMs, long writableAfterMs, long streamingAfterMs,
                  long totalMs, List<Marker> markers, List<Phase> phases, List<DemoLoad.Request> requests) {
    }

    private final StoreClient store;
    private final FaultInjector faults;
    private final PrintStream out;
    private final Duration hold;
    private final Duration waitLimit;
    private final long start = System.currentTimeMillis();
    private final List<Marker> markers = new ArrayList<>();

    DemoScenario(StoreClient store, FaultInjector faults, PrintStream out, Duration hold, Duration waitLimit) {
        this.store = store;
        this.faults = faults;
        this.out = out;
        this.hold = hold;
        this.waitLimit = waitLimit;
    }

    Result run(int browsers) {
        JsonNode cluster = store.cluster().orElseThrow(() -> new ClusterException("The store at " + store.store()
                + " does not answer /api/cluster."));
        if (!StoreClient.mode(cluster).equals("READ_WRITE")) {
            throw new ClusterException("The store is " + StoreClient.mode(cluster) + ", not READ_WRITE: bring the cluster back "
                    + "first (cluster/pagila-cluster status, promote, rejoin).");
        }
        String oldPrimary = cluster.path("primary").asText();
        say("store %s is READ_WRITE, primary %s; open %s/cluster to watch", store.store(), oldPrimary, store.store());
        try (DemoLoad load = new DemoLoad(store, start, browsers)) {
            load.begin();
            say("load started: %d customers browsing, one counter renting and returning (staff API)", browsers);
            sleep(hold);

            long crashAt = mark("crash " + oldPrimary);
            say("crash the primary %s (%s)", oldPrimary, faults.describeCrash());
            faults.crash(oldPrimary);
            long readOnlyAt = awaitStore(c -> !StoreClient.mode(c).equals("READ_WRITE"), "the store to notice");
            markAt(readOnlyAt, "read-only");
            say("-> store read-only after %d ms: catalog still served, rentals paused (503)", readOnlyAt - crashAt);
            sleep(hold);
            say("   so far read-only: %s", DemoSummary.tally(load.requests(), readOnlyAt, now()));

            long promoteAt = mark("promote");
            say("promote: %s", faults.describePromote());
            String newPrimary = faults.promote();
            long writableAt = awaitStore(c -> StoreClient.mode(c).equals("READ_WRITE"), "the store to find the new primary");
            markAt(writableAt, "writable");
            say("-> %s promoted; store writable again after %d ms (%d ms after the crash)", newPrimary,
                    writableAt - promoteAt, writableAt - crashAt);
            sleep(hold);
            say("   since writable: %s", DemoSummary.tally(load.requests(), writableAt, now()));

            long rejoinAt = mark("rejoin " + oldPrimary);
            say("rejoin %s as a standby of %s", oldPrimary, newPrimary);
            faults.rejoin(oldPrimary);
            long streamingAt = awaitStore(c -> StoreClient.streams(c, oldPrimary), oldPrimary + " to stream");
            markAt(streamingAt, oldPrimary + " streaming");
            say("-> %s streaming from %s after %d ms", oldPrimary, newPrimary, streamingAt - rejoinAt);
            sleep(hold);
            say("   whole demo: %s", DemoSummary.tally(load.requests(), 0, now()));
            load.close();
            long end = now();
            List<Phase> phases = List.of(
                    new Phase(crashAt, readOnlyAt, "primary lost", "#f6c9c9"),
                    new Phase(readOnlyAt, writableAt, "read-only", "#fde9b0"),
                    new Phase(rejoinAt, streamingAt, "rejoining", "#d6e4f5"));
            return new Result(oldPrimary, newPrimary, readOnlyAt - crashAt, writableAt - promoteAt, streamingAt - rejoinAt,
                    end, List.copyOf(markers), phases, load.requests());
        }
    }

    /** Polls the store's view until the condition holds; the time is that of the answer that showed it. */
    private long awaitStore(Predicate<JsonNode> condition, String what) {
        long deadline = System.currentTimeMillis() + waitLimit.toMillis();
        while (System.currentTimeMillis() < deadline) {
            var cluster = store.cluster();
            if (cluster.isPresent() && condition.test(cluster.get())) {
                return now();
            }
            sleep(POLL);
        }
        throw new ClusterException("Gave up waiting " + waitLimit.toSeconds() + " s for " + what + ".");
    }

    private long now() {
        return System.currentTimeMillis() - start;
    }

    private long mark(String label) {
        return markAt(now(), label);
    }

    private long markAt(long at, String label) {
        markers.add(new Marker(at, label));
        return at;
    }

    private void say(String format, Object... args) {
        out.printf(Locale.ROOT, "[demo %6.1fs] %s%n", now() / 1000.0, String.format(Locale.ROOT, format, args));
        out.flush();
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("Interrupted", e);
        }
    }
}
