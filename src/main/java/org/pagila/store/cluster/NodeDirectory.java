package org.pagila.store.cluster;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import org.pagila.cluster.ClusterSettings;
import org.postgresql.core.BaseConnection;
import org.postgresql.util.HostSpec;

/** Names the node behind a pooled connection, from the host the driver actually connected to. */
@ApplicationScoped
public class NodeDirectory {

    @Inject
    ClusterSettings settings;

    public String nodeOf(Connection connection) {
        try {
            HostSpec host = connection.unwrap(BaseConnection.class).getQueryExecutor().getHostSpec();
            return settings.nodes().stream()
                    .filter(n -> n.port() == host.getPort() && sameHost(n.host(), host.getHost()))
                    .map(ClusterSettings.NodeAddress::name)
                    .findFirst().orElse(host.getHost() + ":" + host.getPort());
        } catch (SQLException e) {
            return "unknown";
        }
    }

    private static boolean sameHost(String a, String b) {
        return a.equalsIgnoreCase(b) || (isLoopback(a) && isLoopback(b));
    }

    private static boolean isLoopback(String host) {
        return host.equals("localhost") || host.startsWith("127.");
    }
}
