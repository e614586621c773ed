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
        return connect(node.hostPort(), database, user, password, "any");
    }

    /** Whichever node is the primary now (it may have moved since `up`). */
    public static Connection connectPrimary(ClusterSettings settings, String database, String user, String password)
            throws SQLException {
        return connect(settings.jdbcHosts(), database, user, password, "primary");
    }

    private static Connection connect(String hosts, String database, String user, String password, String targetServerType)
            throws SQLException {
        Properties props = new Properties();
        props.setProperty("targetServerType", targetServerType);
        props.setProperty("user", user);
        props.setProperty("password", password);
        props.setProperty("connectTimeout", "3");
        props.setProperty("loginTimeout", "5");
        props.setProperty("socketTimeout", "120");
        props.setProperty("ApplicationName", "pagila-cluster");
        return DriverManager.getConnection("jdbc:postgresql://" + hosts + "/" + database, props);
    }
}
