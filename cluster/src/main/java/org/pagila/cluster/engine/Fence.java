package org.pagila.cluster.engine;

import java.time.Instant;
import java.util.List;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.Progress;

/**
 * Takes a former primary out before a standby is promoted, so there are never two: every process of it is killed
 * (SIGKILL reaches a frozen one too), the service is stopped, and its data directory is marked so that start, thaw
 * and up refuse to run it until `rejoin` has made it a standby. On packaged nodes the service is also kept from
 * starting at boot.
 */
public final class Fence {
    private final NodeControl control;
    private final Progress progress;

    public Fence(NodeControl control, Progress progress) {
        this.control = control;
        this.progress = progress;
    }

    /** Returns false when the node could not be reached to fence it (an unreachable machine). */
    public boolean fence(Node node, String reason) {
        try {
            if (!control.isInitialized(node)) {
                return true;
            }
            List<Long> killed = control.signal(node, "KILL", true);
            control.awaitGone(node, killed);
            // tells the service manager too; the server is already gone, so this only settles its state
            node.transport().execAdmin(node.layout().ctl("stop", "-m", "immediate"));
            node.transport().writeFile(node.layout().dataDir() + "/" + NodeControl.FENCE_FILE,
                    "fenced " + Instant.now() + ": " + reason + "\nOnly `rejoin " + node.name() + "` brings it back, as a standby.\n");
            NodeControl.startsAtBoot(node, false);
            progress.detail(node.name() + " fenced: " + (killed.isEmpty() ? "was not running" : "killed " + killed)
                    + ", data directory marked " + NodeControl.FENCE_FILE);
            return true;
        } catch (ClusterException e) {
            progress.detail("WARNING: " + node.name() + " could not be fenced (" + e.getMessage().lines().findFirst().orElse("")
                    + "). If it comes back it must not serve as a primary: `rejoin " + node.name() + "` it.");
            return false;
        }
    }

    /** Lifts the mark once the node is a standby again. */
    public void lift(Node node) {
        node.transport().run(List.of("rm", "-f", node.layout().dataDir() + "/" + NodeControl.FENCE_FILE));
        NodeControl.startsAtBoot(node, true);
    }
}
