package org.pagila.cluster.engine;

import org.pagila.cluster.ClusterException;

/**
 * What stop, start, freeze and thaw of one node say, from the node's state before: a repeated command says that
 * nothing was left to do rather than claiming it did it again, and freezing a node that does not run is refused
 * (no process was stopped, so no hung server exists for a demo to show).
 */
final class NodeActionReport {
    private NodeActionReport() {
    }

    static void refuseStopWhenFrozen(String node, boolean frozen) {
        if (frozen) {
            throw new ClusterException(node + " is frozen (SIGSTOP) and cannot stop cleanly: `thaw " + node + "` first, or `kill "
                    + node + "`.");
        }
    }

    static String stopped(String node, boolean wasRunning) {
        return wasRunning ? node + " stopped" : node + " was not running: nothing to stop";
    }

    static String started(String node, boolean wasRunning) {
        return wasRunning ? node + " is already running: nothing to start" : node + " started";
    }

    static String frozen(String node, boolean wasFrozen, int signalled) {
        if (signalled == 0) {
            throw new ClusterException(node + " is not running: nothing to freeze. Start it first: `start " + node + "`.");
        }
        return (wasFrozen ? node + " was already frozen" : node + " frozen (SIGSTOP to " + signalled + " processes)")
                + "; `thaw " + node + "` resumes it";
    }

    static String thawed(String node, boolean wasFrozen, int signalled) {
        if (signalled == 0) {
            return node + " is not running: nothing to thaw";
        }
        return wasFrozen ? node + " thawed (SIGCONT to " + signalled + " processes)" : node + " was not frozen: nothing to thaw";
    }
}
