package org.pagila.store.ha;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.pagila.cluster.ha.PatroniCluster;
import org.pagila.cluster.ha.PatroniRest;
import org.pagila.cluster.ha.PatroniTimings;

/**
 * Prints what a failover costs on Patroni (not a test: it asserts nothing about time). Run with
 * {@code ./mvnw verify -Dtest=PatroniBenchmark -Dpagila.ha.bench=true [-Dpagila.ha.bench.crashes=10]}; with
 * {@code -Dpagila.ha.bench.scope=crash} only the async whole-node crashes (the leader change and the store's part).
 */
@QuarkusTest
@TestProfile(PatroniProfile.class)
@EnabledIfSystemProperty(named = "pagila.ha.bench", matches = "true")
class PatroniBenchmark {
    private static final int CRASHES = Integer.getInteger("pagila.ha.bench.crashes", 10);
    // acknowledged-loss is counted over CRASHES crashes in each mode; outage figures come from the same runs
    private static final int DEFAULT_CRASHES = Integer.getInteger("pagila.ha.bench.default-crashes", 5);
    private static final int KILLS = Integer.getInteger("pagila.ha.bench.kills", 5);
    private static final String SCOPE = System.getProperty("pagila.ha.bench.scope", "all");

    private final PatroniCluster cluster = PatroniTestCluster.cluster();
    private final Map<String, List<Double>> figures = new LinkedHashMap<>();

    @Test
    void failoverFigures() throws Exception {
        try (PatroniFailoverTest.CatalogLoad catalog = new PatroniFailoverTest.CatalogLoad()) {
            if (SCOPE.equals("crash")) {
                for (int i = 0; i < CRASHES; i++) {
                    crashRun("async, ttl 20/loop 2/retry 5", false);
                }
                printFigures(catalog);
                return;
            }
            Map<String, Double> commits = new LinkedHashMap<>();
            commits.put("async", commitsPerSecond());
            setSync(true);
            commits.put("sync", commitsPerSecond());
            for (int i = 0; i < CRASHES; i++) {
                crashRun("sync, ttl 20/loop 2/retry 5", true);
            }
            setSync(false);
            for (int i = 0; i < CRASHES; i++) {
                crashRun("async, ttl 20/loop 2/retry 5", false);
            }
            for (int i = 0; i < KILLS; i++) {
                killRun();
            }
            setTimings(PatroniTimings.PATRONI_DEFAULTS);
            for (int i = 0; i < DEFAULT_CRASHES; i++) {
                crashRun("async, Patroni defaults ttl 30/loop 10/retry 10", false);
            }
            setTimings(PatroniTimings.FAST);
            printFigures(catalog);
            commits.forEach((mode, rate) -> System.out.printf(Locale.ROOT, "[patroni-bench] commits/s, 4 JDBC clients, %s: %.0f%n", mode, rate));
        }
    }

    private void printFigures(PatroniFailoverTest.CatalogLoad catalog) {
        System.out.println("\n[patroni-bench] figures (seconds unless named; min / median / max over n)");
        figures.forEach((what, values) -> System.out.println(summary(what, values)));
        System.out.printf("[patroni-bench] catalog requests %d, errors %d %s%n", catalog.requests(), catalog.errors(),
                catalog.failures.stream().limit(5).toList());
    }

    private void crashRun(String label, boolean sync) throws Exception {
        awaitHealthy(sync);
        String old = HaTestSupport.leader(cluster);
        try (RentalStream rentals = new RentalStream(cluster, HaTestSupport.freeCopies(cluster, 250), 2)) {
            HaTestSupport.await(Duration.ofSeconds(30), () -> rentals.count() >= 3, "rentals before the crash");
            long crash;
            long keyTaken;
            long promotedAt;
            try (PromotionWatch watch = new PromotionWatch(cluster, old)) {
                crash = System.nanoTime();
                cluster.members().crash(old);
                HaTestSupport.await(Duration.ofSeconds(120), watch::sawBoth, "Patroni's leader change in etcd and the promotion");
                keyTaken = watch.keyTakenNanos();
                promotedAt = watch.promotedNanos();
            }
            HaTestSupport.await(Duration.ofSeconds(30), () -> rentals.firstSentAfter(promotedAt).isPresent(), "a rental after the promotion");
            rentals.close();
            record(label + ": write outage (last ack before crash -> first after)", rentals.outageAround(crash).orElseThrow());
            record(label + ": crash -> PostgreSQL promoted by Patroni", promotedAt - crash);
            record(label + ": crash -> leader key taken in etcd by another member (ttl)", keyTaken - crash);
            record(label + ": leader key taken -> PostgreSQL promoted (Patroni's own steps)", promotedAt - keyTaken);
            RentalStream.Ack afterKey = rentals.firstSentAfter(keyTaken).orElseThrow();
            record(label + ": leader key taken -> first successful rental acknowledged (target < 1 s)", afterKey.nanos() - keyTaken);
            RentalStream.Ack first = rentals.firstSentAfter(promotedAt).orElseThrow();
            record(label + ": promotion -> first successful rental acknowledged", first.nanos() - promotedAt);
            record(label + ": promotion -> first successful rental sent (store overhead without the rental's own time)",
                    first.sentNanos() - promotedAt);
            record(label + ": rental latency (median of the run)", rentals.medianLatencyNanos());
            String promoted = HaTestSupport.leader(cluster);
            int missing = 0;
            try (Connection c = cluster.superuser(promoted, "pagila")) {
                for (RentalStream.Ack ack : rentals.acks()) {
                    if (HaTestSupport.count(c, "SELECT count(*) FROM rental WHERE return_date IS NULL AND inventory_id = " + ack.copy()) != 1) {
                        missing++;
                    }
                }
                figures.computeIfAbsent(label + ": acknowledged rentals missing after the crash (count)", k -> new ArrayList<>()).add((double) missing);
                try (var s = c.createStatement()) {
                    s.execute("UPDATE rental SET return_date = now() WHERE customer_id = 1 AND return_date IS NULL");
                }
            }
            long start = System.nanoTime();
            cluster.members().start(old, cluster.secrets());
            HaTestSupport.await(Duration.ofSeconds(180), () -> streaming(promoted, old), old + " streaming again");
            record(label + ": old primary start -> streaming from the new one", System.nanoTime() - start);
        }
    }

    private void killRun() throws Exception {
        awaitHealthy(false);
        String leader = HaTestSupport.leader(cluster);
        try (RentalStream rentals = new RentalStream(cluster, HaTestSupport.freeCopies(cluster, 250), 2)) {
            HaTestSupport.await(Duration.ofSeconds(30), () -> rentals.count() >= 3, "rentals before the kill");
            long kill = System.nanoTime();
            cluster.members().killPostgres(leader);
            HaTestSupport.await(Duration.ofSeconds(120), () -> rentals.firstSentAfter(kill + 500_000_000L).isPresent(), "a rental after the kill");
            Thread.sleep(1000);
            rentals.close();
            record("kill (PostgreSQL only, restarted in place): write outage", rentals.outageAround(kill).orElseThrow());
        }
        try (Connection c = cluster.superuser(HaTestSupport.leader(cluster), "pagila"); var s = c.createStatement()) {
            s.execute("UPDATE rental SET return_date = now() WHERE customer_id = 1 AND return_date IS NULL");
        }
    }

    private double commitsPerSecond() throws Exception {
        try (Connection c = cluster.superuser(HaTestSupport.leader(cluster), "pagila"); var s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS bench_commit (id bigserial PRIMARY KEY, at timestamptz DEFAULT now())");
        }
        AtomicLong commits = new AtomicLong();
        long end = System.nanoTime() + Duration.ofSeconds(8).toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Thread t = new Thread(() -> {
                try (Connection c = cluster.superuser(HaTestSupport.leader(cluster), "pagila"); var s = c.createStatement()) {
                    while (System.nanoTime() < end) {
                        s.execute("INSERT INTO bench_commit DEFAULT VALUES");
                        commits.incrementAndGet();
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        return commits.get() / 8.0;
    }

    private void setSync(boolean on) {
        cluster.rest().patchConfig(Map.of("synchronous_mode", on));
        cluster.members().await(cluster.rest(), "sync " + on, Duration.ofSeconds(60), v -> v.syncStandbys().isEmpty() != on);
    }

    private void setTimings(PatroniTimings t) throws Exception {
        cluster.rest().patchConfig(Map.of("ttl", t.ttl(), "loop_wait", t.loopWait(), "retry_timeout", t.retryTimeout()));
        Thread.sleep(Duration.ofSeconds(t.loopWait() * 2L + 2).toMillis());
    }

    private void awaitHealthy(boolean sync) {
        cluster.members().await(cluster.rest(), "four running members", Duration.ofSeconds(180), v -> v.members().size() == 4
                && v.leader().isPresent() && v.members().stream().allMatch(PatroniRest.Member::isRunningOrStreaming)
                && v.members().stream().allMatch(m -> m.isLeader() || m.lagBytes().orElse(Long.MAX_VALUE) == 0)
                && v.syncStandbys().isEmpty() != sync);
    }

    private boolean streaming(String primary, String standby) {
        try (Connection c = cluster.superuser(primary, "postgres")) {
            return HaTestSupport.count(c, "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming' AND application_name = '"
                    + standby + "'") == 1;
        } catch (Exception e) {
            return false;
        }
    }

    private void record(String what, long nanos) {
        double seconds = nanos / 1e9;
        figures.computeIfAbsent(what, k -> new ArrayList<>()).add(seconds);
        System.out.printf(Locale.ROOT, "[patroni-bench] %s: %.2f s%n", what, seconds);
    }

    static String summary(String what, List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        double median = sorted.size() % 2 == 1 ? sorted.get(sorted.size() / 2)
                : (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
        return String.format(Locale.ROOT, "[patroni-bench] %-95s n=%2d  %7.2f / %7.2f / %7.2f  (sum %.0f)", what, sorted.size(),
                sorted.get(0), median, sorted.get(sorted.size() - 1), sorted.stream().mapToDouble(Double::doubleValue).sum());
    }
}
