package org.pagila.cluster.pagila;

import java.io.InputStreamReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.engine.StoreRoles;
import org.pagila.cluster.Progress;
import org.pagila.cluster.secrets.Secrets;

/**
 * Database pagila on a primary: created, loaded with the verified Pagila files and handed to the store's roles,
 * unless a completed load is recorded there. Runs over JDBC, so it serves every kind of cluster.
 *
 * A completed load is recorded in pagila_cluster.load, in the same transaction as the data. That record, not a
 * row count, decides: a database with the record is never loaded again, one without it is loaded only while it
 * is empty, and nothing here ever drops database pagila. On doubt it stops and says what to do.
 */
public final class PagilaInstall {
    static final String MARKER_TABLE = "pagila_cluster.load";

    /** Opens a superuser connection to one database of the primary. */
    @FunctionalInterface
    public interface Connector {
        Connection open(String database) throws SQLException;
    }

    /** What ensureLoaded found or did. */
    public enum Outcome { LOADED, ALREADY_LOADED, ADOPTED }

    private PagilaInstall() {
    }

    /**
     * Returns what it did; throws ClusterException (nothing dropped, nothing changed) when database pagila holds
     * tables but no record of a completed load.
     */
    public static Outcome ensureLoaded(Connector primary, PagilaFiles files, Secrets secrets, Progress progress) {
        try {
            if (!databaseExists(primary)) {
                try (Connection c = primary.open("postgres"); Statement s = c.createStatement()) {
                    s.execute("CREATE DATABASE pagila");
                }
            }
            Outcome outcome;
            try (Connection c = primary.open("pagila")) {
                Optional<String> recorded = recordedLoad(c);
                if (recorded.isPresent()) {
                    progress.detail("already loaded (" + recorded.get() + "); not reloading");
                    outcome = Outcome.ALREADY_LOADED;
                } else if (userTables(c) == 0) {
                    load(c, files, progress);
                    outcome = Outcome.LOADED;
                } else if (looksLikeACompleteEarlierLoad(c)) {
                    // Clusters loaded before the record existed: all 1000 films and the store's role are there.
                    record(c, -1);
                    progress.detail("a complete earlier load found; recorded it in " + MARKER_TABLE);
                    outcome = Outcome.ADOPTED;
                } else {
                    throw new ClusterException("Database pagila on the primary holds tables but no record of a completed"
                            + " Pagila load (" + MARKER_TABLE + "). It is left as it is: nothing was dropped. If it is a"
                            + " load that broke off, remove it yourself (DROP DATABASE pagila, or `cluster/pagila-cluster"
                            + " destroy` for the whole cluster) and run again.");
                }
                try (Connection postgres = primary.open("postgres")) {
                    StoreRoles.ensureLogins(postgres, secrets);
                }
                StoreRoles.ensurePagila(c);
            }
            progress.detail("roles " + String.join(", ", Secrets.STORE_USERS) + " (none a superuser); schema public owned by "
                    + Secrets.OWNER_USER);
            return outcome;
        } catch (SQLException | IOException e) {
            throw new ClusterException("Loading Pagila failed: " + e.getMessage(), e);
        }
    }

    private static void load(Connection c, PagilaFiles files, Progress progress) throws SQLException, IOException {
        String schema = new String(files.read(PagilaFiles.File.SCHEMA), StandardCharsets.UTF_8);
        byte[] data = files.read(PagilaFiles.File.DATA);
        new PagilaLoader(progress).load(c, schema,
                new InputStreamReader(new ByteArrayInputStream(data), StandardCharsets.UTF_8), PagilaInstall::record);
        try (Statement s = c.createStatement()) {
            s.execute("ANALYZE");
        }
    }

    private static boolean databaseExists(Connector primary) throws SQLException {
        try (Connection c = primary.open("postgres"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_database WHERE datname = 'pagila'")) {
            rs.next();
            return rs.getInt(1) > 0;
        }
    }

    /** "v3.1.0 at 2026-11-25 ..." when a completed load is recorded. */
    static Optional<String> recordedLoad(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT to_regclass('" + MARKER_TABLE + "') IS NOT NULL")) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    return Optional.empty();
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT version, completed_at FROM " + MARKER_TABLE
                    + " ORDER BY completed_at DESC LIMIT 1")) {
                return rs.next() ? Optional.of("v" + rs.getString(1) + " at " + rs.getString(2)) : Optional.empty();
            }
        }
    }

    private static void record(Connection c, long rows) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS pagila_cluster");
            s.execute("CREATE TABLE IF NOT EXISTS " + MARKER_TABLE + " (version text NOT NULL, schema_sha256 text NOT NULL,"
                    + " data_sha256 text NOT NULL, rows_loaded bigint, completed_at timestamptz NOT NULL DEFAULT now())");
        }
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + MARKER_TABLE
                + " (version, schema_sha256, data_sha256, rows_loaded) VALUES (?, ?, ?, ?)")) {
            insert.setString(1, PagilaFiles.VERSION);
            insert.setString(2, PagilaFiles.File.SCHEMA.sha256);
            insert.setString(3, PagilaFiles.File.DATA.sha256);
            if (rows < 0) {
                insert.setNull(4, java.sql.Types.BIGINT);
            } else {
                insert.setLong(4, rows);
            }
            insert.executeUpdate();
        }
    }

    private static long userTables(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT count(*) FROM pg_class WHERE relkind IN ('r', 'p') AND relnamespace NOT IN "
                        + "(SELECT oid FROM pg_namespace WHERE nspname IN ('pg_catalog', 'information_schema', 'pg_toast'))")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static boolean looksLikeACompleteEarlierLoad(Connection c) {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT (SELECT count(*) FROM pg_roles WHERE rolname = '"
                + Secrets.APP_USER + "') = 1 AND to_regclass('public.payment') IS NOT NULL AND (SELECT count(*) FROM public.film) = 1000")) {
            rs.next();
            return rs.getBoolean(1);
        } catch (SQLException e) {
            return false;
        }
    }
}
