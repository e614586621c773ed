package org.pagila.cluster.probe;

import org.pagila.cluster.ClusterSettings;

import java.util.Optional;

/**
 * What one node looks like right now. Lag is measured against the primary's current WAL position when a
 * primary is reachable; slot is the standby's slot on that primary. Timeline: a primary's current WAL timeline,
 * which tells an old primary from a promoted one when both accept writes.
 */
public record NodeStatus(String name, String host, int port, Role role, Optional<String> lsn,
                         Optional<Long> lagBytes, Optional<Double> lagSeconds, Optional<String> upstream,
                         Optional<String> slot, Optional<Boolean> slotActive, Optional<String> error,
                         Optional<Long> timeline) {

    public enum Role { PRIMARY, STANDBY, DOWN }

    public boolean isUp() {
        return role != Role.DOWN;
    }

    public static NodeStatus down(ClusterSettings.NodeAddress node, String error) {
        return new NodeStatus(node.name(), node.host(), node.port(), Role.DOWN, Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(error), Optional.empty());
    }

    /** "0/3000148" -> byte position. */
    public static long lsnToBytes(String lsn) {
        int slash = lsn.indexOf('/');
        return (Long.parseLong(lsn.substring(0, slash), 16) << 32) + Long.parseLong(lsn.substring(slash + 1), 16);
    }
}
