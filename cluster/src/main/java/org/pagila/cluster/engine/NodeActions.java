package org.pagila.cluster.engine;

import java.util.List;

/**
 * The operator's commands on one node (stop, start, kill, freeze, thaw): each looks at the node's state first and
 * returns what it did in words (NodeActionReport), so that a repeated command says there was nothing to do.
 */
final class NodeActions {
    private final NodeControl control;

    NodeActions(NodeControl control) {
        this.control = control;
    }

    /** A frozen node cannot stop cleanly: refused at once, rather than after pg_ctl's 60 s wait. */
    String stop(Node node) {
        NodeActionReport.refuseStopWhenFrozen(node.name(), control.isFrozen(node));
        boolean wasRunning = control.isRunning(node);
        control.stop(node);
        return NodeActionReport.stopped(node.name(), wasRunning);
    }

    /** Refuses a fenced former primary: only `rejoin` brings it back. */
    String start(Node node) {
        boolean wasRunning = control.isRunning(node);
        control.start(node);
        return NodeActionReport.started(node.name(), wasRunning);
    }

    /** SIGKILL of the postmaster, as a crash would; its children (thawed first, if frozen) exit by themselves. */
    String kill(Node node) {
        control.signal(node, "CONT", true);
        List<Long> pids = control.signal(node, "KILL", false);
        return pids.isEmpty() ? node.name() + " was not running" : node.name() + " killed (SIGKILL to postmaster pid " + pids.get(0) + ")";
    }

    /** SIGSTOP of a node's processes: it accepts connections but never answers (demos of a frozen primary). */
    String freeze(Node node) {
        boolean wasFrozen = control.isFrozen(node);
        return NodeActionReport.frozen(node.name(), wasFrozen, control.signal(node, "STOP", true).size());
    }

    /** Refuses a fenced former primary (a promotion happened while it was frozen): it must be rejoined. */
    String thaw(Node node) {
        if (control.isFenced(node)) {
            throw NodeControl.fenced(node);
        }
        boolean wasFrozen = control.isFrozen(node);
        // SIGCONT all the same: a node only partly frozen (a child stopped by hand) resumes too
        return NodeActionReport.thawed(node.name(), wasFrozen, control.signal(node, "CONT", true).size());
    }
}
