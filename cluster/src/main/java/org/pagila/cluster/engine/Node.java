package org.pagila.cluster.engine;

import java.util.function.Supplier;
import org.pagila.cluster.ClusterSettings;
import org.pagila.cluster.transport.NodeTransport;

/**
 * One node as the engine sees it: its name (primary, node1...), where its peers reach it, how to run commands on
 * it, its layout, and where this machine reaches its PostgreSQL port over JDBC (asked each time: a container's
 * published port can move).
 */
public record Node(String name, String peerHost, int peerPort, NodeTransport transport, Layout layout,
                   Supplier<ClusterSettings.NodeAddress> client) {

    public String slot() {
        return Roles.slotName(name);
    }
}
