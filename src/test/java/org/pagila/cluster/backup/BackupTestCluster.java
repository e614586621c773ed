package org.pagila.cluster.backup;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.pagila.cluster.ClusterSettings;
import org.pagila.cluster.engine.EmbeddedCluster;
import org.pagila.cluster.Jdbc;
import org.pagila.cluster.Progress;
import org.pagila.cluster.secrets.Secrets;

/**
 * A real four-node cluster of its own for the backup tests (ports from an environment variable, so checkouts can
 * test side by side), with the helpers the tests share: marker rentals, WAL switches, a restore port.
 */
final class BackupTestCluster {
    final ClusterSettings settings;
    final int restorePort;
    final ByteArrayOutputStream log = new ByteArrayOutputStream();

    BackupTestCluster(String hostsVariable, String defaultHosts, int defaultRestorePort) {
        String hosts = env(hostsVariable).orElse(defaultHosts);
        this.settings = ClusterSettings.from(key -> switch (key) {
            case "pagila.cluster.name" -> Optional.of("backup-" + hosts.replaceAll("^.*?:(\\d+),.*$", "$1"));
            case "pagila.cluster.hosts" -> Optional.of(hosts);
            default -> Optional.ofNullable(System.getProperty(key))
                    .or(() -> env(key.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_")));
        });
        this.restorePort = env("PAGILA_TEST_RESTORE_PORT").map(Integer::parseInt).orElse(defaultRestorePort);
    }

    Progress progress() {
        return new Progress(new PrintStream(log, true, StandardCharsets.UTF_8), 5);
    }

    EmbeddedCluster cluster() {
        return new EmbeddedCluster(settings, progress());
    }

    BackupSettings backupSettings(int keep) {
        return new BackupSettings(settings, settings.clusterDir().resolve("backups"), keep, Duration.ofSeconds(15),
                Duration.ofSeconds(30), Duration.ofSeconds(60));
    }

    void freshUp() {
        cluster().destroy();
        cluster().up();
    }

    void destroy() {
        try {
            new Restore(backupSettings(3), progress()).stop(restorePort);
        } catch (RuntimeException noRestoredNode) {
            // nothing left running
        }
        cluster().destroy();
    }

    Secrets secrets() {
        return Secrets.load(settings.secretsFile());
    }

    Connection primary() throws SQLException {
        return Jdbc.connectPrimary(settings, "pagila", Secrets.SUPERUSER, secrets().password(Secrets.SUPERUSER));
    }

    Connection node(ClusterSettings.NodeAddress address, String database) throws SQLException {
        return Jdbc.connect(address, database, Secrets.SUPERUSER, secrets().password(Secrets.SUPERUSER));
    }

    /** A rental the way the counter records one; its id is the marker. */
    static long rent(Connection primary) throws SQLException {
        try (Statement s = primary.createStatement(); ResultSet rs = s.executeQuery(
                "INSERT INTO rental (rental_date, inventory_id, customer_id, staff_id) VALUES (clock_timestamp(), 1, 1, 1) RETURNING rental_id")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static boolean hasRental(Connection c, long id) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM rental WHERE rental_id = " + id)) {
            rs.next();
            return rs.getLong(1) == 1;
        }
    }

    static String one(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Closes the current WAL segment on the primary and waits until it is in the archive: everything so far is restorable. */
    String switchWalAndAwaitArchived(BackupSettings backupSettings) throws SQLException {
        String segment;
        try (Connection c = primary()) {
            segment = one(c, "SELECT pg_walfile_name(pg_switch_wal())");
        }
        WalArchive archive = new WalArchive(backupSettings);
        Awaitility.await("segment " + segment + " archived").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> archive.has(segment));
        return segment;
    }

    private static Optional<String> env(String name) {
        return Optional.ofNullable(System.getenv(name)).filter(v -> !v.isBlank());
    }
}
