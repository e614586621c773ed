package org.pagila.cluster.pagila;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.pagila.cluster.Progress;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Loads Pagila's pg_dump files over JDBC alone: the schema as plain SQL, each COPY block of the data
 * through PgJDBC's CopyManager. No psql is needed. Schema, data and the load marker are one transaction, so
 * a load that breaks off leaves an empty database behind, never a half-loaded one.
 */
public final class PagilaLoader {
    private static final Pattern COPY = Pattern.compile("^COPY (\\S+) .* FROM stdin;$");

    private final Progress progress;

    public PagilaLoader(Progress progress) {
        this.progress = progress;
    }

    /** Returns the number of data rows copied. The caller's work inside the transaction runs last (the marker). */
    public long load(Connection connection, String schemaSql, Reader data, LoadMarker marker) throws SQLException, IOException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            try (Statement statement = connection.createStatement()) {
                statement.execute(schemaSql);
                // pg_dump's preamble empties the search_path for the session; give it back.
                statement.execute("RESET search_path");
            }
            progress.detail("schema loaded");
            long rows = loadData(connection, data);
            marker.record(connection, rows);
            connection.commit();
            progress.detail(String.format("%,d rows loaded", rows));
            return rows;
        } catch (SQLException | IOException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    private long loadData(Connection connection, Reader data) throws SQLException, IOException {
        CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
        long total = 0;
        try (BufferedReader in = new BufferedReader(data); Statement statement = connection.createStatement()) {
            // The dump is ordered for a load with foreign-key triggers off (store and staff refer to each other).
            statement.execute("SET LOCAL session_replication_role = replica");
            StringBuilder sql = new StringBuilder();
            String line;
            while ((line = in.readLine()) != null) {
                Matcher copyLine = COPY.matcher(line);
                if (copyLine.matches()) {
                    StringBuilder rows = new StringBuilder();
                    String row;
                    while ((row = in.readLine()) != null && !row.equals("\\.")) {
                        rows.append(row).append('\n');
                    }
                    long copied = copy.copyIn(line, new StringReader(rows.toString()));
                    total += copied;
                    progress.detail(String.format("%-28s %,7d rows", copyLine.group(1), copied));
                } else if (!line.startsWith("--") && !line.isBlank()) {
                    sql.append(line).append('\n');
                    if (line.endsWith(";")) {
                        statement.execute(sql.toString());
                        sql.setLength(0);
                    }
                }
            }
            statement.execute("SET LOCAL session_replication_role = DEFAULT");
            statement.execute("RESET search_path");
        }
        return total;
    }

    /** Work that commits with the load (or not at all). */
    @FunctionalInterface
    public interface LoadMarker {
        void record(Connection connection, long rows) throws SQLException;
    }
}
