package org.pagila.cluster.backup;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.pagila.cluster.ClusterSettings;
import org.pagila.cluster.Jdbc;

/**
 * Archiving as each node's pg_stat_archiver sees it: how much it archived, the last file and when, and failures.
 * A node is failing when its last failure is newer than its last success: PostgreSQL keeps retrying, WAL piles up
 * in its pg_wal, and nothing after the last archived file is restorable.
 */
public record ArchiverHealth(String node, String mode, long archived, Optional<String> lastArchivedWal,
                             Optional<Instant> lastArchivedAt, long failed, Optional<String> lastFailedWal,
                             Optional<Instant> lastFailedAt) {

    public boolean failing() {
        return lastFailedAt.isPresent() && (lastArchivedAt.isEmpty() || lastFailedAt.get().isAfter(lastArchivedAt.get()));
    }

    /** Every reachable node's view (down nodes are left out: `status` shows them). */
    public static List<ArchiverHealth> probe(List<ClusterSettings.NodeAddress> nodes, String user, String password) {
        return probe(nodes, "postgres", user, password);
    }

    /** The same through another database: the store's own role may connect to pagila only (pg_hba). */
    public static List<ArchiverHealth> probe(List<ClusterSettings.NodeAddress> nodes, String database, String user, String password) {
        List<ArchiverHealth> result = new ArrayList<>();
        for (ClusterSettings.NodeAddress node : nodes) {
            try (Connection c = Jdbc.connect(node, database, user, password, Duration.ofSeconds(2)); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT current_setting('archive_mode'), archived_count, last_archived_wal,"
                         + " last_archived_time, failed_count, last_failed_wal, last_failed_time FROM pg_stat_archiver")) {
                rs.next();
                result.add(new ArchiverHealth(node.name(), rs.getString(1), rs.getLong(2), Optional.ofNullable(rs.getString(3)),
                        instant(rs.getTimestamp(4)), rs.getLong(5), Optional.ofNullable(rs.getString(6)), instant(rs.getTimestamp(7))));
            } catch (SQLException e) {
                // down or frozen: the node table says so
            }
        }
        return result;
    }

    public static String table(List<ArchiverHealth> nodes, String archiveDir) {
        StringBuilder out = new StringBuilder("\nWAL archive " + archiveDir + "\n");
        String format = "%-8s %-7s %9s  %-41s %-20s %7s  %s%n";
        out.append(String.format(Locale.ROOT, format, "NODE", "MODE", "ARCHIVED", "LAST_ARCHIVED", "AT", "FAILED", "LAST_FAILURE"));
        for (ArchiverHealth h : nodes) {
            out.append(String.format(Locale.ROOT, format, h.node(), h.mode(), h.archived(), h.lastArchivedWal().orElse("-"),
                    h.lastArchivedAt().map(ArchiverHealth::shortTime).orElse("-"), h.failed(),
                    h.lastFailedWal().map(w -> w + " at " + h.lastFailedAt().map(ArchiverHealth::shortTime).orElse("?")
                            + (h.failing() ? "  FAILING NOW" : "")).orElse("-")));
        }
        return out.toString();
    }

    private static String shortTime(Instant t) {
        return t.toString().replaceFirst("\\.\\d+Z$", "Z");
    }

    private static Optional<Instant> instant(java.sql.Timestamp t) {
        return Optional.ofNullable(t).map(java.sql.Timestamp::toInstant);
    }
}
