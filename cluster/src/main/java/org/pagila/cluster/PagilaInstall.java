package org.pagila.cluster;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.pagila.cluster.engine.Roles;
import org.pagila.cluster.secrets.Secrets;

/**
 * Loads the verified Pagila files into one database of a primary and opens it to the store's role. Whether to
 * load at all is decided by the engine (org.pagila.cluster.engine.PagilaDatabase), which loads into a staging
 * database and renames it to pagila only once this has finished: pagila exists only as a complete load.
 */
public final class PagilaInstall {
    /** Opens a superuser connection to one database of the primary. */
    @FunctionalInterface
    public interface Connector {
        Connection open(String database) throws SQLException;
    }

    private PagilaInstall() {
    }

    /** Schema, data (one transaction), statistics and the store's role, into {@code database}. */
    public static void load(Connector primary, String database, PagilaFiles files, Secrets secrets, Progress progress) {
        var schema = files.get(PagilaFiles.File.SCHEMA);
        var data = files.get(PagilaFiles.File.DATA);
        PagilaLoader loader = new PagilaLoader(progress);
        try (Connection c = primary.open(database)) {
            loader.loadSchema(c, schema);
            loader.loadData(c, data);
            try (Statement s = c.createStatement()) {
                s.execute("ANALYZE");
            }
            Roles.createAppRole(c, secrets.password(Secrets.APP_USER));
            progress.detail("role " + Secrets.APP_USER + " (the store's login: no superuser, reads all, writes rental and payment)");
        } catch (SQLException | IOException e) {
            throw new ClusterException("Loading Pagila failed: " + e.getMessage(), e);
        }
    }
}
