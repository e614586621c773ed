package org.pagila.store.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.secrets.Secrets;

/**
 * Least privilege on the real roles of the test cluster (issue 13, item 4): each login tried for what it must do
 * and for what it must not. Refusals are checked by SQLSTATE 42501 (insufficient privilege) or 28000 (pg_hba).
 */
@QuarkusTest
class LeastPrivilegeTest {
    private static final String DENIED = "42501";

    @Inject
    ClusterCredentials.Store store;

    @Inject
    ClusterCredentials.Owner owner;

    @Inject
    ClusterCredentials.Monitor monitor;

    @Test
    void theStoresRoleReadsWhatItServesButNoPasswordsAndCreatesNothing() throws Exception {
        try (Connection app = TestCluster.as("primary", "pagila", Secrets.APP_USER); Statement s = app.createStatement()) {
            assertTrue(TestCluster.count(app, "SELECT count(*) FROM staff_login") >= 2, "sign-in reads the view");
            assertTrue(TestCluster.count(app, "SELECT count(*) FROM film_page") == 1000, "the catalog reads");
            assertTrue(TestCluster.count(app, "SELECT count(*) FROM customer c JOIN address a USING (address_id)") > 0, "the counter reads");
            assertDenied(s, "SELECT password FROM staff");
            assertDenied(s, "SELECT staff_id FROM staff");
            assertDenied(s, "SELECT password_hash FROM staff_credential");
            assertDenied(s, "SELECT count(*) FROM flyway_schema_history");
            assertDenied(s, "CREATE TABLE app_was_here (i int)");
            assertDenied(s, "SELECT refresh_catalog_aggregates()");
        }
    }

    @Test
    void theStoresRoleWritesOnlyTheCountersColumns() throws Exception {
        try (Connection app = TestCluster.as("primary", "pagila", Secrets.APP_USER); Statement s = app.createStatement()) {
            app.setAutoCommit(false);
            try {
                assertEquals(1, s.executeUpdate("UPDATE rental SET return_date = return_date WHERE rental_id = 1"),
                        "a return sets return_date");
                app.rollback();
                assertDenied(s, "UPDATE rental SET rental_date = rental_date WHERE rental_id = 1");
                app.rollback();
                assertDenied(s, "UPDATE rental SET customer_id = customer_id WHERE rental_id = 1");
                app.rollback();
                assertDenied(s, "UPDATE payment SET amount = amount WHERE payment_id = 1");
                app.rollback();
                assertDenied(s, "DELETE FROM rental WHERE rental_id = 1");
                app.rollback();
                assertDenied(s, "UPDATE film SET rental_rate = 0 WHERE film_id = 1");
            } finally {
                app.rollback();
            }
        }
    }

    @Test
    void theStoresRoleCannotMonitorAndPrimaryConninfoCarriesNoPassword() throws Exception {
        try (Connection postgres = TestCluster.superuser("primary", "postgres")) {
            assertEquals(0, TestCluster.count(postgres, "SELECT count(*) FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member"
                    + " WHERE r.rolname = '" + Secrets.APP_USER + "' AND m.roleid = 'pg_monitor'::regrole"), "pagila_app is not in pg_monitor");
        }
        String replicatorPassword = Secrets.load(TestCluster.settings().secretsFile()).password(Secrets.REPLICATION_USER);
        for (String standby : List.of("node1", "node2", "node3")) {
            try (Connection app = TestCluster.as(standby, "pagila", Secrets.APP_USER); Statement s = app.createStatement()) {
                assertDenied(s, "SELECT current_setting('primary_conninfo')");
            }
            try (Connection poller = TestCluster.as(standby, "pagila", Secrets.MONITOR_USER); Statement s = poller.createStatement();
                 ResultSet rs = s.executeQuery("SELECT current_setting('primary_conninfo')")) {
                rs.next();
                String conninfo = rs.getString(1);
                assertFalse(conninfo.contains("password") || conninfo.contains(replicatorPassword), standby + ": " + conninfo);
                Matcher passfile = Pattern.compile("passfile=(\\S+)").matcher(conninfo);
                assertTrue(passfile.find(), standby + " names its password file: " + conninfo);
                Path file = Path.of(passfile.group(1).replace("'", ""));
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)), file.toString());
                assertEquals(standby, file.getParent().getFileName().toString(), "in the node's own directory: " + file);
            }
        }
    }

    @Test
    void theMonitorSeesReplicationButNoTable() throws Exception {
        try (Connection poller = TestCluster.as("primary", "pagila", Secrets.MONITOR_USER); Statement s = poller.createStatement()) {
            assertEquals(3, TestCluster.count(poller, "SELECT count(*) FROM pg_stat_replication WHERE replay_lsn IS NOT NULL"),
                    "pg_monitor shows the standbys' positions");
            // no USAGE on schema public either: named in full, so the refusal is a privilege's, not an unknown table
            assertDenied(s, "SELECT count(*) FROM public.film");
            assertDenied(s, "SELECT count(*) FROM public.staff_login");
        }
    }

    @Test
    void theOwnerOwnsTheSchemaAndRanTheMigrationsWithoutBeingASuperuser() throws Exception {
        try (Connection pagila = TestCluster.superuser("primary", "pagila")) {
            assertEquals(0, TestCluster.count(pagila, "SELECT count(*) FROM pg_roles WHERE rolname IN ('" + String.join("', '", Secrets.STORE_USERS)
                    + "', '" + Secrets.REWIND_USER + "') AND (rolsuper OR rolcreaterole OR rolcreatedb OR rolreplication OR rolbypassrls)"));
            assertEquals(0, TestCluster.count(pagila, "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relname IN"
                    + " ('rental', 'payment', 'payment_p_default', 'staff', 'staff_credential', 'staff_login', 'film_popularity',"
                    + " 'idempotency_key', 'flyway_schema_history') AND relowner <> '" + Secrets.OWNER_USER + "'::regrole"));
            assertEquals(0, TestCluster.count(pagila, "SELECT count(*) FROM flyway_schema_history WHERE installed_by <> '"
                    + Secrets.OWNER_USER + "'"), "every migration ran as the owner");
            assertTrue(TestCluster.count(pagila, "SELECT count(*) FROM flyway_schema_history WHERE version = '50' AND success") == 1);
        }
        // the upkeep the owner runs: the aggregates (a concurrent refresh needs a temporary table) and the partitions
        try (Connection upkeep = TestCluster.as("primary", "pagila", Secrets.OWNER_USER); Statement s = upkeep.createStatement()) {
            s.execute("SELECT refresh_catalog_aggregates()");
            s.execute("SELECT ensure_payment_partitions(2)");
            assertDenied(s, "CREATE ROLE owner_was_here");
            assertDenied(s, "SELECT pg_read_file('postgresql.conf')");
        }
    }

    @Test
    void theBackupAndRewindRolesMayDoTheirJobOnly() throws Exception {
        try (Connection backup = TestCluster.as("node1", "postgres", Secrets.BACKUP_USER); Statement s = backup.createStatement()) {
            s.execute("CHECKPOINT"); // pg_checkpoint (a restartpoint on a standby)
            assertDenied(s, "SELECT pg_read_binary_file('global/pg_control')");
            assertDenied(s, "SELECT pg_promote(false)");
        }
        assertRefused(() -> TestCluster.as("primary", "pagila", Secrets.BACKUP_USER));
        try (Connection rewind = TestCluster.as("primary", "postgres", Secrets.REWIND_USER); Statement s = rewind.createStatement()) {
            assertTrue(TestCluster.count(rewind, "SELECT count(*) FROM pg_ls_dir('.', true, false)") > 0, "pg_rewind lists the source's files");
            assertDenied(s, "CHECKPOINT");
        }
        assertRefused(() -> TestCluster.as("primary", "pagila", Secrets.REWIND_USER));
    }

    @Test
    void theStoresCredentialsHoldNoSuperuserPassword() throws Exception {
        Path file = TestCluster.settings().secretsFile();
        Secrets tooling = Secrets.load(file);
        Map<String, String> logins = List.of(store, owner, monitor).stream().map(c -> c.getCredentials("test"))
                .collect(Collectors.toMap(c -> c.get("user"), c -> c.get("password")));
        assertEquals(Set.of(Secrets.APP_USER, Secrets.OWNER_USER, Secrets.MONITOR_USER), logins.keySet());
        for (String adminUser : Secrets.ADMIN_USERS) {
            assertFalse(logins.containsValue(tooling.password(adminUser)), adminUser + "'s password among the store's logins");
            assertFalse(Files.readString(file).contains(tooling.password(adminUser)), adminUser + "'s password in " + file);
        }
        assertThrows(ClusterException.class, () -> Secrets.loadForStore(file).password(Secrets.SUPERUSER));
        Path admin = Secrets.adminFile(file);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(admin)));
        assertTrue(Files.readString(admin).contains(tooling.password(Secrets.SUPERUSER)), "the tooling keeps it in " + admin);
    }

    private static void assertDenied(Statement s, String sql) {
        SQLException e = assertThrows(SQLException.class, () -> s.execute(sql), sql);
        assertEquals(DENIED, e.getSQLState(), sql + ": " + e.getMessage());
    }

    private static void assertRefused(ConnectionOpener opener) {
        SQLException e = assertThrows(SQLException.class, () -> opener.open().close());
        assertTrue(Set.of("28000", DENIED).contains(e.getSQLState()), e.getSQLState() + ": " + e.getMessage());
    }

    @FunctionalInterface
    private interface ConnectionOpener {
        Connection open() throws SQLException;
    }
}
