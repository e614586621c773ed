package org.pagila.store.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.pagila.cluster.secrets.Secrets;

/** The cluster the store stands on: real streaming replication between four real PostgreSQL servers. */
@QuarkusTest
class ReplicationTest {
    private static final List<String> STANDBYS = List.of("node1", "node2", "node3");

    @Test
    void aRowWrittenOnThePrimaryReachesEveryStandby() throws Exception {
        String marker = UUID.randomUUID().toString();
        try (Connection primary = TestCluster.superuser("primary", "pagila"); Statement s = primary.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS replication_probe (marker text PRIMARY KEY)");
            s.execute("INSERT INTO replication_probe VALUES ('" + marker + "')");
        }
        for (String node : STANDBYS) {
            try (Connection standby = TestCluster.superuser(node, "pagila")) {
                awaitRow(standby, "SELECT count(*) FROM replication_probe WHERE marker = '" + marker + "'", node);
            }
        }
    }

    @Test
    void aStandbyRefusesWritesAsReadOnly() throws Exception {
        for (String node : STANDBYS) {
            try (Connection standby = TestCluster.superuser(node, "pagila"); Statement s = standby.createStatement()) {
                SQLException refused = assertThrows(SQLException.class,
                        () -> s.execute("INSERT INTO category (name) VALUES ('Refused')"));
                assertEquals("25006", refused.getSQLState(), node + ": " + refused.getMessage());
            }
        }
    }

    @Test
    void everyStandbyStreamsThroughItsOwnActiveSlot() throws Exception {
        Map<String, String> states = new HashMap<>();
        Map<String, Boolean> slots = new HashMap<>();
        try (Connection primary = TestCluster.superuser("primary", "postgres"); Statement s = primary.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT application_name, state FROM pg_stat_replication")) {
                while (rs.next()) {
                    states.put(rs.getString(1), rs.getString(2));
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT slot_name, active FROM pg_replication_slots WHERE slot_type = 'physical'")) {
                while (rs.next()) {
                    slots.put(rs.getString(1), rs.getBoolean(2));
                }
            }
        }
        for (String node : STANDBYS) {
            assertEquals("streaming", states.get(node), "pg_stat_replication for " + node + ": " + states);
            assertEquals(Boolean.TRUE, slots.get(node + "_slot"), "slot of " + node + ": " + slots);
        }
    }

    @Test
    void pagilaRowCountsAreTheSameOnAllFourNodes() throws Exception {
        Map<String, Long> expected = new LinkedHashMap<>();
        expected.put("film", 1000L);
        expected.put("actor", 200L);
        expected.put("customer", 599L);
        expected.put("inventory", 4581L);
        expected.put("rental", 16044L);
        expected.put("payment", 16049L);
        expected.put("film_actor", 5462L);
        expected.put("store", 2L);
        expected.put("staff", 2L);
        for (String node : List.of("primary", "node1", "node2", "node3")) {
            try (Connection c = TestCluster.superuser(node, "pagila")) {
                for (var table : expected.entrySet()) {
                    assertEquals(table.getValue(), TestCluster.count(c, "SELECT count(*) FROM " + table.getKey()),
                            table.getKey() + " on " + node);
                }
            }
        }
    }

    @Test
    void theReplicationRoleCannotOpenADatabaseSession() {
        for (String database : List.of("pagila", "postgres")) {
            SQLException refused = assertThrows(SQLException.class, () -> TestCluster.as("primary", database, Secrets.REPLICATION_USER).close());
            assertEquals("28000", refused.getSQLState(), refused.getMessage());
            assertTrue(refused.getMessage().contains("pg_hba.conf"), refused.getMessage());
        }
    }

    @Test
    void theStoresRoleIsNotASuperuser() throws Exception {
        try (Connection app = TestCluster.as("primary", "pagila", Secrets.APP_USER); Statement s = app.createStatement();
             ResultSet rs = s.executeQuery("SELECT rolsuper, rolcreaterole, rolcreatedb, rolreplication FROM pg_roles WHERE rolname = current_user")) {
            rs.next();
            assertFalse(rs.getBoolean(1), "superuser");
            assertFalse(rs.getBoolean(2), "createrole");
            assertFalse(rs.getBoolean(3), "createdb");
            assertFalse(rs.getBoolean(4), "replication");
            SQLException denied = assertThrows(SQLException.class, () -> s.execute("DELETE FROM film WHERE film_id = 1"));
            assertEquals("42501", denied.getSQLState(), denied.getMessage());
        }
    }

    /**
     * The probe table is created in the same run on a fresh cluster, so a standby that has not replayed the CREATE yet
     * answers "relation does not exist" (42P01): that is lag, not failure, and is waited out like a missing row.
     * Any other error still fails the test at once.
     */
    private static void awaitRow(Connection standby, String sql, String node) {
        org.awaitility.Awaitility.await("row reaches " + node).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .ignoreExceptionsMatching(e -> e instanceof SQLException missing && "42P01".equals(missing.getSQLState()))
                .until(() -> TestCluster.count(standby, sql) > 0);
    }
}
