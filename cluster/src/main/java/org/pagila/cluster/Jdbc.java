package org.pagila.cluster;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;

/** Direct connections to the nodes, with timeouts so that a dead or frozen node answers quickly. */
public final class Jdbc {
    private static final Duration TOOLING_TIMEOUT = Duration.ofSeconds(3);

    private Jdbc() {
    }

    public static Connection connect(ClusterSettings.NodeAddress node, String database, String user, String password)
            throws SQLException {
        return connect(node.hostPort(), database, user, password, "any", TOOLING_TIMEOUT, 120);
    }

    /** Short timeouts for probes: a frozen node (SIGSTOP accepts TCP but never answers) fails within about 2x timeout. */
    public static Connection connect(ClusterSettings.NodeAddress node, String database, String user, String password,
                                     Duration timeout) throws SQLException {
        return connect(node.hostPort(), database, user, password, "any", timeout, Math.max(1, timeout.toSeconds()) * 2);
    }

    /** Whichever node is the primary now (it may have moved since `up`). */
    public static Connection connectPrimary(ClusterSettings settings, String database, String user, String password)
            throws SQLException {
        return connect(settings.jdbcHosts(), database, user, password, "primary", TOOLING_TIMEOUT, 120);
    }

    private static Connection connect(String hosts, String database, String user, String password, String targetServerType,
                                      Duration timeout, long socketTimeoutSeconds) throws SQLException {
        long seconds = Math.max(1, timeout.toSeconds());
        Properties props = new Properties();
        props.setProperty("targetServerType", targetServerType);
        props.setProperty("user", user);
        props.setProperty("password", password);
        props.setProperty("connectTimeout", String.valueOf(seconds));
        props.setProperty("loginTimeout", String.valueOf(seconds * 2));
        props.setProperty("socketTimeout", String.valueOf(socketTimeoutSeconds));
        props.setProperty("ApplicationName", "pagila-cluster");
        return DriverManager.getConnection("jdbc:postgresql://" + hosts + "/" + database, props);
    }
}
