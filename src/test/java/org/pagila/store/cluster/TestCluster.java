package org.pagila.store.cluster;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.eclipse.microprofile.config.ConfigProvider;
import org.pagila.cluster.ClusterSettings;
import org.pagila.cluster.engine.EmbeddedCluster;
import org.pagila.cluster.Jdbc;
import org.pagila.cluster.Progress;
import org.pagila.cluster.secrets.Secrets;

/** Direct access to the nodes of the cluster the test profile brought up, for checks behind the store's back. */
public final class TestCluster {
    private TestCluster() {
    }

    public static ClusterSettings settings() {
        var config = ConfigProvider.getConfig();
        return ClusterSettings.from(key -> config.getOptionalValue(key, String.class).filter(v -> !v.isBlank()));
    }

    public static EmbeddedCluster cluster() {
        return new EmbeddedCluster(settings(), Progress.quiet());
    }

    public static Connection superuser(String node, String database) throws SQLException {
        ClusterSettings settings = settings();
        Secrets secrets = Secrets.load(settings.secretsFile());
        return Jdbc.connect(settings.node(node), database, Secrets.SUPERUSER, secrets.password(Secrets.SUPERUSER));
    }

    public static Connection as(String node, String database, String user) throws SQLException {
        ClusterSettings settings = settings();
        return Jdbc.connect(settings.node(node), database, user, Secrets.load(settings.secretsFile()).password(user));
    }

    public static long count(Connection connection, String sql) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
