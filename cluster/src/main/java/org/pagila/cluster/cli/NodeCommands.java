package org.pagila.cluster.cli;

import org.pagila.cluster.ClusterSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.TypeConversionException;

/** The commands on one node of the embedded cluster, and failover. */
final class NodeCommands {
    private NodeCommands() {
    }

    /** primary, node1, node2 or node3, checked before anything runs. */
    static final class NodeName implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            if (!ClusterSettings.NODE_NAMES.contains(value)) {
                throw new TypeConversionException("'" + value + "' is not a node: expected one of " + ClusterSettings.NODE_NAMES);
            }
            return value;
        }
    }

    abstract static class OnNode implements Runnable {
        @Parameters(paramLabel = "NODE", converter = NodeName.class, description = "primary, node1, node2 or node3")
        String node;
    }

    @Command(name = "stop", description = "Stop one node cleanly.")
    static final class Stop extends OnNode {
        @Override
        public void run() {
            ClusterCli.cluster(1).stop(node);
        }
    }

    @Command(name = "start", description = "Start one stopped node (a fenced former primary is refused: rejoin it).")
    static final class Start extends OnNode {
        @Override
        public void run() {
            ClusterCli.cluster(1).start(node);
        }
    }

    @Command(name = "kill", description = "SIGKILL one node's postmaster, as a crash would.")
    static final class Kill extends OnNode {
        @Override
        public void run() {
            ClusterCli.cluster(1).kill(node);
        }
    }

    @Command(name = "freeze", description = "SIGSTOP all of a node's processes (a hung server); thaw NODE resumes it.")
    static final class Freeze extends OnNode {
        @Override
        public void run() {
            ClusterCli.cluster(1).freeze(node);
        }
    }

    @Command(name = "thaw", description = "SIGCONT a frozen node (a fenced former primary is refused: rejoin it).")
    static final class Thaw extends OnNode {
        @Override
        public void run() {
            ClusterCli.cluster(1).thaw(node);
        }
    }

    @Command(name = "promote", description = {"With the primary gone: fence it, promote NODE (default: the standby that",
            "received the most WAL), create slots on it, re-point the other standbys."})
    static final class Promote implements Runnable {
        @Parameters(paramLabel = "NODE", arity = "0..1", converter = NodeName.class, description = "the standby to promote")
        String node;

        @Override
        public void run() {
            ClusterCli.cluster(3).promote(ClusterCli.optional(node));
        }
    }

    @Command(name = "rejoin", description = "Bring a former primary (or a broken standby) back as a standby of the primary.")
    static final class Rejoin extends OnNode {
        @Override
        public void run() {
            ClusterCli.cluster(1).rejoin(node);
        }
    }
}
