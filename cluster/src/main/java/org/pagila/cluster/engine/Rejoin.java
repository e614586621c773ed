package org.pagila.cluster.engine;

import java.sql.Statement;
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
    public static final String NOTHING_TO_DO = "already a streaming standby: nothing done";

    private final NodeControl control;
    private final Progress progress;

    public Rejoin(NodeControl control, Progress progress) {
        this.control = control;
        this.progress = progress;
    }

    /** Returns how: "pg_rewind", "fresh clone", or NOTHING_TO_DO for a standby that already streams from the primary. */
    public String rejoin(Node node, Node primary) {
        if (node.name().equals(primary.name())) {
            throw new ClusterException(node.name() + " is the current primary; nothing to rejoin.");
        }
        progress.step("rejoin " + node.name() + " as a standby of " + primary.name());
        if (isHealthy(node, primary)) {
            progress.detail(node.name() + " already streams from " + primary.name() + " as a standby: nothing to rejoin"
                    + " (to copy it afresh all the same: `stop " + node.name() + "`, then `rejoin " + node.name() + "`)");
            return NOTHING_TO_DO;
        }
        CloneStep.stopOrKill(control, node);
        new Provisioning(() -> control, "", null, progress).ensureSlots(primary, List.of(node.slot()));
        String how = null;
        if (node.layout().has("pg_rewind") && control.isInitialized(node)) {
            try {
                rewind(node, primary);
                how = "pg_rewind";
            } catch (ClusterException e) {
                progress.detail("pg_rewind did not work (" + reason(e.getMessage()) + "): a fresh clone instead");
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

    private boolean isHealthy(Node node, Node primary) {
        if (control.isFrozen(node)) {
            return false; // never healthy, and asking it over SQL would wait out the connection timeout
        }
        StandbyFacts facts = CloneStep.facts(control, node);
        // streaming is asked only of a running standby of this primary: a stopped or broken node needs no connection
        return facts.isHealthyStandbyOf(primary.peerHost(), primary.peerPort(),
                facts.running() && facts.isStandbyOf(primary.peerHost(), primary.peerPort())
                        && new Replication(control, progress).streams(primary, node));
    }

    /**
     * pg_rewind needs a target shut down cleanly. A crashed or killed node first recovers as a standby with no
     * upstream, then stops cleanly: it can never come up as a second primary that way, and it replays only its own
     * WAL. With an upstream it could take a first step onto the new primary's timeline, which pg_rewind 15 misreads
     * (it takes the target's timeline from its last restartpoint, then looks for the fork in the old timeline's WAL).
     */
    private void rewind(Node node, Node primary) {
        markStandby(node, ""); // no upstream
        control.startUnguarded(node);
        control.stop(node);
        // pg_rewind 15 takes the source's timeline from its last checkpoint. Promotion only requests one, spread
        // out over minutes; until it ends a diverged node looks like it is on the source's timeline ("no rewind
        // required") and later cannot start. An immediate checkpoint puts the new timeline in pg_control.
        control.jdbc(primary, c -> {
            try (Statement s = c.createStatement()) {
                s.execute("CHECKPOINT");
            }
        });
        String output = node.transport().run(List.of(node.layout().program("pg_rewind"), "--target-pgdata=" + node.layout().dataDir(),
                "--source-server=" + ServerConfig.rewindSource(primary)), node.layout().clientEnv());
        progress.detail("pg_rewind " + node.name() + " from " + primary.name() + ": " + output.lines().reduce((a, b) -> b).orElse("done"));
        markStandby(node, ServerConfig.standbySettings(node, primary));
    }

    /** pg_rewind's own words ("pg_rewind: error: ..."), without the first line, which only repeats the command. */
    private static String reason(String message) {
        return String.join("; ", message.lines().skip(1).filter(l -> !l.isBlank()).map(String::strip).toList());
    }

    /** The node starts as a standby, with these settings (its upstream, or none) in postgresql.auto.conf. */
    private static void markStandby(Node node, String autoConf) {
        node.transport().writeFile(node.layout().dataDir() + "/standby.signal", "");
        node.transport().writeFile(node.layout().dataDir() + "/postgresql.auto.conf", autoConf);
    }
}
