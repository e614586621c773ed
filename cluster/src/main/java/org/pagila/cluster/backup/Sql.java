package org.pagila.cluster.backup;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.pagila.cluster.ClusterSettings;
import org.pagila.cluster.Jdbc;
import org.pagila.cluster.secrets.Secrets;

/** One-value queries and statements for the backup tooling: as the superuser (restore, switchover) or a named login. */
final class Sql {
    private Sql() {
    }

    static Connection superuser(ClusterSettings.NodeAddress node, Secrets secrets, String database) throws SQLException {
        return as(node, Secrets.SUPERUSER, secrets, database);
    }

    static Connection as(ClusterSettings.NodeAddress node, String user, Secrets secrets, String database) throws SQLException {
        return Jdbc.connect(node, database, user, secrets.password(user));
    }

    static String one(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
