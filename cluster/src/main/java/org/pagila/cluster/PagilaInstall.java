package org.pagila.cluster;

import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Database pagila on a primary: created, loaded with the verified Pagila files and opened to the store's role,
 * unless a complete load is already there. Runs over JDBC, so it serves every kind of cluster.
 */
public final class PagilaInstall {
    /** Opens a superuser connection to one database of the primary. */
    @FunctionalInterface
    public interface Connector {
        Connection open(String database) throws SQLException;
    }

    private PagilaInstall() {
    }

    /** Returns true when it loaded, false when a complete load was already there. */
    public static boolean ensureLoaded(Connector primary, PagilaFiles files, Secrets secrets, Progress progress) {
        try (Connection c = primary.open("postgres"); Statement s = c.createStatement()) {
            boolean exists;
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_database WHERE datname = 'pagila'")) {
                rs.next();
                exists = rs.getInt(1) > 0;
            }
            if (exists && isLoaded(primary)) {
                progress.detail("already loaded; not reloading");
                return false;
            }
            if (exists) {
                progress.detail("an incomplete earlier load is dropped first");
                s.execute("DROP DATABASE pagila");
            }
            s.execute("CREATE DATABASE pagila");
        } catch (SQLException e) {
            throw new ClusterException("Cannot create database pagila: " + e.getMessage(), e);
        }
        var schema = files.get(PagilaFiles.File.SCHEMA);
        var data = files.get(PagilaFiles.File.DATA);
        PagilaLoader loader = new PagilaLoader(progress);
        try (Connection c = primary.open("pagila")) {
            loader.loadSchema(c, schema);
            loader.loadData(c, data);
            try (Statement s = c.createStatement()) {
                s.execute("ANALYZE");
            }
            PrimarySetup.createAppRole(c, secrets.password(Secrets.APP_USER));
            progress.detail("role " + Secrets.APP_USER + " (the store's login: no superuser, reads all, writes rental and payment)");
        } catch (SQLException | IOException e) {
            throw new ClusterException("Loading Pagila failed: " + e.getMessage(), e);
        }
        return true;
    }

    private static boolean isLoaded(Connector primary) {
        try (Connection c = primary.open("pagila"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT (SELECT count(*) FROM pg_roles WHERE rolname = '" + Secrets.APP_USER
                     + "') = 1 AND to_regclass('public.payment') IS NOT NULL AND (SELECT count(*) FROM public.film) = 1000")) {
            rs.next();
            return rs.getBoolean(1);
        } catch (SQLException e) {
            return false;
        }
    }
}
