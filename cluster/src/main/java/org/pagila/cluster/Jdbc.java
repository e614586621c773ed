package org.pagila.cluster;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/** Direct connections to one node, with timeouts so that a dead or frozen node answers quickly. */
public final class Jdbc {
    private Jdbc() {
    }

    public static Connection connect(ClusterSettings.NodeAddress node, String database, String user, String password)
            throws SQLException {
        return connect(node, database, user, password, java.time.Duration.ofSeconds(3), 120);
    }

    /** Short timeouts for probes: a frozen node (SIGSTOP accepts TCP but never answers) fails within about 2x timeout. */
    public static Connection connect(ClusterSettings.NodeAddress node, String database, String user, String password,
                                     java.time.Duration timeout) throws SQLException {
        long seconds = Math.max(1, timeout.toSeconds());
        return connect(node, database, user, password, timeout, seconds * 2);
    }

    private static Connection connect(ClusterSettings.NodeAddress node, String database, String user, String password,
                                      java.time.Duration timeout, long socketTimeoutSeconds) throws SQLException {
        long seconds = Math.max(1, timeout.toSeconds());
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        props.setProperty("connectTimeout", String.valueOf(seconds));
        props.setProperty("loginTimeout", String.valueOf(seconds * 2));
        props.setProperty("socketTimeout", String.valueOf(socketTimeoutSeconds));
        props.setProperty("ApplicationName", "pagila-cluster");
        return DriverManager.getConnection("jdbc:postgresql://" + node.hostPort() + "/" + database, props);
    }
}
