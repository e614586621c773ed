package org.pagila.store.ha;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.Properties;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIf;
import org.pagila.cluster.secrets.Secrets;
import org.pagila.cluster.ha.PatroniCluster;
import org.pagila.cluster.ha.PatroniRest;

/**
 * The store on a real Patroni cluster: Patroni decides, the store follows without a restart or a configuration change.
 * Real etcd, real Patroni, real PostgreSQL 15, real SIGKILLs.
 */
@QuarkusTest
@TestProfile(PatroniProfile.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@EnabledIf("org.pagila.store.ha.PatroniTestCluster#packagesOrCi")
class PatroniFailoverTest {
    private final PatroniCluster cluster = PatroniTestCluster.cluster();

    @Test
    @Order(1)
    void wholeNodeCrashPatroniPromotesTheStoreWritesThereAndTheOldPrimaryRejoins() throws Exception {
        String old = HaTestSupport.leader(cluster);
        assertEquals(old, given().get("/api/cluster").then().statusCode(200).extract().path("patroni.leader"));
        HaTestSupport.await(Duration.ofSeconds(5), () -> "READ_WRITE".equals(HaTestSupport.mode()), "store READ_WRITE at start");
        List<Integer> copies = HaTestSupport.freeCopies(cluster, 5);
        assertEquals(201, HaTestSupport.rent(cluster, copies.get(0)).statusCode());

        try (CatalogLoad catalog = new CatalogLoad()) {
            cluster.members().crash(old);
            Duration readOnly = HaTestSupport.await(Duration.ofSeconds(5), () -> "READ_ONLY".equals(HaTestSupport.mode()), "read-only after the crash");
            assertEquals(503, HaTestSupport.rent(cluster, copies.get(1)).statusCode(), "rentals pause while there is no leader");
            HaTestSupport.await(Duration.ofSeconds(90), () -> {
                String now = HaTestSupport.leader(cluster);
                return now != null && !now.equals(old);
            }, "Patroni promotes a standby");
            String promoted = HaTestSupport.leader(cluster);
            Duration writable = HaTestSupport.await(Duration.ofSeconds(10),
                    () -> HaTestSupport.rent(cluster, copies.get(1)).statusCode() == 201, "a rental after Patroni's promotion");
            System.out.printf("[patroni] crash of %s: store read-only after %d ms; %s promoted; first rental %d ms after Patroni reported it%n",
                    old, readOnly.toMillis(), promoted, writable.toMillis());
            try (Connection c = cluster.superuser(promoted, "pagila")) {
                assertEquals(1, HaTestSupport.count(c, "SELECT count(*) FROM rental WHERE inventory_id = " + copies.get(1)
                        + " AND return_date IS NULL"), "the rental is on the new primary");
            }
            assertEquals(promoted, given().get("/api/cluster").then().extract().path("primary"));

            // HAProxy's read-write port follows Patroni's /primary check to the new leader
            int promotedPort = cluster.settings().pg(promoted).port();
            HaTestSupport.await(Duration.ofSeconds(10), () -> viaHaproxy(cluster.settings().readWritePort()).equals(promotedPort + "/f"),
                    "HAProxy read-write port reaches " + promoted);

            java.nio.file.Path patroniLogFile = cluster.members().patroni(old).logFile();
            long logBefore = java.nio.file.Files.isRegularFile(patroniLogFile) ? java.nio.file.Files.size(patroniLogFile) : 0;
            cluster.members().start(old, cluster.secrets());
            HaTestSupport.await(Duration.ofSeconds(120), () -> streamingFrom(promoted).contains(old),
                    old + " streams from " + promoted + " again (pg_rewind by Patroni)");
            // Patroni checks the leader and rewinds as pagila_rewind (authentication.rewind), never as the superuser
            String patroniLog = java.nio.file.Files.readString(patroniLogFile).substring((int) logBefore);
            System.out.printf("[patroni] %s rejoining: %s%n", old, patroniLog.lines().filter(l -> l.contains("rewind")
                    || l.contains("primary_timeline") || l.contains("with leader")).toList());
            // e.g. "running pg_rewind from dbname=postgres user=pagila_rewind host=127.0.0.1 port=..." when WAL diverged
            assertTrue(patroniLog.lines().filter(l -> l.contains("running pg_rewind from dbname="))
                    .allMatch(l -> l.contains(" user=pagila_rewind ")), "pg_rewind as the rewind login:\n" + patroniLog);
            for (String failed : List.of("Exception when working with leader", "Failed to rewind", "Can not use", "removing...")) {
                assertFalse(patroniLog.contains(failed), old + "'s Patroni log says '" + failed + "':\n" + patroniLog);
            }
            try (Connection c = cluster.superuser(promoted, "postgres"); var s = c.createStatement(); var rs = s.executeQuery(
                    "SELECT rolsuper, has_function_privilege(oid, 'pg_read_binary_file(text)', 'EXECUTE') FROM pg_roles"
                            + " WHERE rolname = 'pagila_rewind'")) {
                assertTrue(rs.next(), "Patroni made the rewind login");
                assertFalse(rs.getBoolean(1), "pagila_rewind is no superuser");
                assertTrue(rs.getBoolean(2), "pagila_rewind may read files for pg_rewind");
            }
            try (Connection c = cluster.superuser(old, "postgres"); var s = c.createStatement(); var rs = s.executeQuery("SHOW primary_conninfo")) {
                rs.next();
                assertTrue(rs.getString(1).contains("passfile=") && !rs.getString(1).contains("password="),
                        "Patroni keeps the replicator's password in its pgpass file, out of primary_conninfo: " + rs.getString(1));
            }
            readOnlyPortBalancesOverStandbysOnly(promotedPort);
            assertEquals(0, catalog.errors(), "catalog errors across the failover: " + catalog.failures);
            assertTrue(catalog.requests() > 20, "the catalog was asked throughout: " + catalog.requests());
        }
    }

    /**
     * HAProxy's read-only port after the failover: once its checks (Patroni's GET /replica?lag=, every second, down
     * after one failure) have seen the promotion, every connection lands on a standby, never on the new primary,
     * and round robin spreads them over more than one standby.
     */
    private void readOnlyPortBalancesOverStandbysOnly(int primaryPort) {
        int readOnly = cluster.settings().readOnlyPort();
        HaTestSupport.await(Duration.ofSeconds(10), () -> viaHaproxy(readOnly).endsWith("/t"), "HAProxy read-only port reaches a standby");
        List<String> answers = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            answers.add(viaHaproxy(readOnly));
        }
        System.out.println("[patroni] HAProxy read-only port, 16 connections after the failover: " + answers);
        assertTrue(answers.stream().allMatch(a -> a.endsWith("/t")), "every read-only connection on a standby: " + answers);
        assertTrue(answers.stream().noneMatch(a -> a.startsWith(primaryPort + "/")), "never the primary: " + answers);
        assertTrue(answers.stream().distinct().count() >= 2, "balanced over the standbys: " + answers);
    }

    private String viaHaproxy(int port) {
        Properties props = new Properties();
        props.setProperty("user", Secrets.SUPERUSER);
        props.setProperty("password", cluster.secrets().password(Secrets.SUPERUSER));
        props.setProperty("connectTimeout", "2");
        props.setProperty("socketTimeout", "3");
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", props);
             var s = c.createStatement(); var rs = s.executeQuery("SELECT inet_server_port() || '/' || pg_is_in_recovery()")) {
            rs.next();
            return rs.getString(1).replace("false", "f").replace("true", "t");
        } catch (java.sql.SQLException e) {
            return "unreachable: " + e.getMessage();
        }
    }

    private List<String> streamingFrom(String primary) {
        List<String> names = new ArrayList<>();
        try (Connection c = cluster.superuser(primary, "postgres"); var s = c.createStatement();
             var rs = s.executeQuery("SELECT r.application_name FROM pg_stat_replication r JOIN pg_replication_slots s"
                     + " ON s.active_pid = r.pid WHERE r.state = 'streaming'")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        } catch (java.sql.SQLException e) {
            return List.of();
        }
        return names;
    }

    @Test
    @Order(2)
    void synchronousModeKeepsEveryAcknowledgedRentalAcrossACrash() throws Exception {
        cluster.rest().patchConfig(Map.of("synchronous_mode", true, "synchronous_mode_strict", false));
        PatroniRest.View view = cluster.members().await(cluster.rest(), "a synchronous standby", Duration.ofSeconds(30),
                v -> !v.syncStandbys().isEmpty());
        String sync = view.syncStandbys().get(0);
        HaTestSupport.await(Duration.ofSeconds(5), () -> sync.equals(given().get("/api/cluster").then().extract()
                .path("patroni.syncStandbys[0]")), "/api/cluster names the synchronous standby");
        assertTrue(given().get("/").asString().contains("synchronous standby " + sync), "the footer names it");

        String old = HaTestSupport.leader(cluster);
        List<Integer> copies = HaTestSupport.freeCopies(cluster, 400);
        // RentalStream retries a copy the store refused (503 while read-only), so the stream outlasts the failover
        // however fast those refusals come back.
        List<Integer> acknowledged;
        String syncAtCrash;
        try (RentalStream rentals = new RentalStream(cluster, copies, 1)) {
            HaTestSupport.await(Duration.ofSeconds(30), () -> rentals.count() >= 5, "rentals acknowledged before the crash");
            syncAtCrash = cluster.rest().view().orElseThrow().syncStandbys().get(0);
            cluster.members().crash(old);
            HaTestSupport.await(Duration.ofSeconds(90), () -> {
                String now = HaTestSupport.leader(cluster);
                return now != null && !now.equals(old);
            }, "Patroni promotes the synchronous standby");
            int before = rentals.count();
            HaTestSupport.await(Duration.ofSeconds(30), () -> rentals.count() >= before + 5, "rentals acknowledged after the failover");
            rentals.close();
            acknowledged = rentals.acks().stream().map(RentalStream.Ack::copy).toList();
            // never a 500 (once, a commit cut short by the crash was; it is a 503 "may or may not have been saved" now);
            // this run may or may not have cut a commit short
            assertTrue(rentals.refusals().keySet().stream().allMatch(status -> status == 503 || status == 409),
                    "rentals refused during the crash: " + rentals.refusals());
        }
        String promoted = HaTestSupport.leader(cluster);
        assertEquals(syncAtCrash, promoted, "Patroni promotes only the synchronous standby in synchronous mode");
        try (Connection c = cluster.superuser(promoted, "pagila")) {
            List<Integer> missing = new ArrayList<>();
            for (int copy : List.copyOf(acknowledged)) {
                if (HaTestSupport.count(c, "SELECT count(*) FROM rental WHERE return_date IS NULL AND inventory_id = " + copy) != 1) {
                    missing.add(copy);
                }
            }
            System.out.printf("[patroni] synchronous mode: %d rentals acknowledged across the crash of %s, %d missing on %s%n",
                    acknowledged.size(), old, missing.size(), promoted);
            assertEquals(List.of(), missing, "acknowledged rentals missing on the new primary");
        }
        cluster.members().start(old, cluster.secrets());
        cluster.rest().patchConfig(Map.of("synchronous_mode", false, "synchronous_mode_strict", false));
        cluster.members().await(cluster.rest(), "all members running, async", Duration.ofSeconds(120),
                v -> v.syncStandbys().isEmpty() && v.members().size() == 4 && v.members().stream().allMatch(PatroniRest.Member::isRunningOrStreaming));
    }

    @Test
    @Order(3)
    void etcdLosingItsQuorumLeavesTheStoreAsPatroniSaysNeverA500() throws Exception {
        String leader = HaTestSupport.leader(cluster);
        int leaderRest = cluster.settings().restPort(leader);
        List<Integer> copies = HaTestSupport.freeCopies(cluster, 3);
        Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
        try (CatalogLoad catalog = new CatalogLoad()) {
            cluster.etcd().stop(1);
            cluster.etcd().stop(2);
            // Patroni 3.0.2 (failsafe_mode off): a leader that cannot renew its key demotes itself to read-only
            HaTestSupport.await(Duration.ofSeconds(60), () -> !java.util.Set.of("master", "primary", "unreachable").contains(role(leaderRest)), leader + " demoted by Patroni");
            HaTestSupport.await(Duration.ofSeconds(5), () -> "READ_ONLY".equals(HaTestSupport.mode()), "store READ_ONLY like Patroni");
            for (int i = 0; i < 10; i++) {
                statuses.merge(HaTestSupport.rent(cluster, copies.get(0)).statusCode(), 1, Integer::sum);
            }
            assertEquals(Map.of(503, 10), statuses, "rentals without a leader are refused as read-only, never a 500");
            cluster.etcd().start(1);
            cluster.etcd().start(2);
            HaTestSupport.await(Duration.ofSeconds(90), () -> HaTestSupport.leader(cluster) != null, "a leader once etcd has its quorum again");
            String back = HaTestSupport.leader(cluster);
            HaTestSupport.await(Duration.ofSeconds(10), () -> "READ_WRITE".equals(HaTestSupport.mode()), "store READ_WRITE like Patroni");
            assertEquals(back, given().get("/api/cluster").then().extract().path("primary"));
            HaTestSupport.await(Duration.ofSeconds(10), () -> HaTestSupport.rent(cluster, copies.get(1)).statusCode() == 201, "a rental again");
            assertEquals(0, catalog.errors(), "catalog errors while etcd had no quorum: " + catalog.failures);
            assertEquals(0, catalog.serverErrors(), "5xx from the catalog");
        }
    }

    private static String role(int restPort) {
        try {
            return given().baseUri("http://127.0.0.1").port(restPort).get("/patroni").then().extract().path("role");
        } catch (RuntimeException e) {
            return "unreachable";
        }
    }

    /** Customers browsing throughout: every answer that is not a 200 is recorded. */
    static final class CatalogLoad implements AutoCloseable {
        final List<String> failures = Collections.synchronizedList(new ArrayList<>());
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();
        private final Thread thread;

        CatalogLoad() {
            thread = new Thread(() -> {
                String[] paths = {"/", "/films/1", "/categories", "/search?q=dinosaur"};
                for (int i = 0; running.get(); i++) {
                    String path = paths[i % paths.length];
                    try {
                        int status = given().get(path).statusCode();
                        if (status != 200) {
                            failures.add(path + " -> " + status);
                        }
                    } catch (RuntimeException e) {
                        failures.add(path + " -> " + e.getMessage());
                    }
                    requests.incrementAndGet();
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "catalog-load");
            thread.start();
        }

        int errors() {
            return failures.size();
        }

        long serverErrors() {
            return failures.stream().filter(f -> f.matches(".* -> 5\\d\\d")).count();
        }

        int requests() {
            return requests.get();
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(10_000);
        }
    }
}
