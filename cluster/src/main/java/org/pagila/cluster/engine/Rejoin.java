package org.pagila.cluster.engine;

import java.time.Duration;
import java.util.List;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.Progress;

/**
 * Brings a former primary (or a broken standby) back as a standby of the current primary, for every layout and
 * transport: pg_rewind where the layout has it, a fresh clone otherwise or when the rewind fails. Lifts the fence
 * only once the node is configured as a standby.
 */
public final class Rejoin {
    private final NodeControl control;
    private final Progress progress;

    public Rejoin(NodeControl control, Progress progress) {
        this.control = control;
        this.progress = progress;
    }

    /** Returns how: "pg_rewind" or "fresh clone". */
    public String rejoin(Node node, Node primary) {
        if (node.name().equals(primary.name())) {
            throw new ClusterException(node.name() + " is the current primary; nothing to rejoin.");
        }
        progress.step("rejoin " + node.name() + " as a standby of " + primary.name());
        CloneStep.stopOrKill(control, node);
        new Provisioning(() -> control, "", null, progress).ensureSlots(primary, List.of(node.slot()));
        String how = null;
        if (node.layout().has("pg_rewind") && control.isInitialized(node)) {
            try {
                rewind(node, primary);
                how = "pg_rewind";
            } catch (ClusterException e) {
                progress.detail("pg_rewind did not work (" + e.getMessage().lines().findFirst().orElse("") + "): a fresh clone instead");
                CloneStep.stopOrKill(control, node);
            }
        }
        if (how == null) {
            new CloneStep(() -> control, node, primary, progress).apply();
            how = "fresh clone";
        }
        if (node.layout().configInDataDir()) {
            // the copy brought the primary's own settings (its port): the node gets its own back
            node.transport().writeFile(node.layout().settingsFile(), ServerConfig.settings(node));
        }
        new Fence(control, progress).lift(node);
        control.start(node);
        new Replication(control, progress).awaitCaughtUp(primary, List.of(node), Duration.ofSeconds(120));
        progress.detail(node.name() + " rejoined as a standby of " + primary.name() + " (" + how + ")");
        return how;
    }

    /**
     * pg_rewind needs a target shut down cleanly. A crashed or killed node first recovers as a standby (it can
     * never come up as a second primary that way), then stops cleanly; the rewind copies back what diverged.
     */
    private void rewind(Node node, Node primary) {
        configureAsStandby(node, primary);
        control.startUnguarded(node);
        control.stop(node);
        String output = node.transport().run(List.of(node.layout().program("pg_rewind"), "--target-pgdata=" + node.layout().dataDir(),
                "--source-server=" + ServerConfig.rewindSource(primary)), node.layout().clientEnv());
        progress.detail("pg_rewind " + node.name() + " from " + primary.name() + ": " + output.lines().reduce((a, b) -> b).orElse("done"));
        configureAsStandby(node, primary);
    }

    private void configureAsStandby(Node node, Node primary) {
        node.transport().writeFile(node.layout().dataDir() + "/standby.signal", "");
        node.transport().writeFile(node.layout().dataDir() + "/postgresql.auto.conf",
                ServerConfig.standbySettings(node, primary));
    }
}
