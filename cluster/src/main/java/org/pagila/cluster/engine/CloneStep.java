package org.pagila.cluster.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.Progress;
import org.pagila.cluster.secrets.Secrets;

/**
 * A standby's data directory made from the primary: stop, empty, copy. With pg_basebackup where the layout has it
 * (-R writes standby.signal and the upstream), with the low-level backup API otherwise. Skipped as a whole when the
 * node already is a standby of this primary (running, or stopped and configured so): the four things stand or fall
 * together, so they are one step that describes four lines.
 */
final class CloneStep implements Step {
    private final Supplier<NodeControl> control;
    private final Node standby;
    private final Node primary;
    private final Progress progress;

    CloneStep(Supplier<NodeControl> control, Node standby, Node primary, Progress progress) {
        this.control = control;
        this.standby = standby;
        this.primary = primary;
        this.progress = progress;
    }

    static boolean usesBaseBackup(Node standby) {
        return standby.layout().has("pg_basebackup");
    }

    /** The pg_basebackup command line: the same for VMs, containers and a local install. */
    static List<String> baseBackup(Node standby, Node primary) {
        List<String> command = new ArrayList<>(List.of(standby.layout().program("pg_basebackup"), "-h", primary.peerHost(),
                "-p", String.valueOf(primary.peerPort()), "-U", Secrets.REPLICATION_USER, "-D", standby.layout().dataDir(), "-R",
                "-X", "stream", "-S", standby.slot(), "--checkpoint=fast", "-d", "application_name=" + standby.name()));
        if (!standby.layout().durableClones()) {
            command.add("--no-sync");
        }
        return command;
    }

    @Override
    public String node() {
        return standby.name();
    }

    @Override
    public List<String> describe() {
        List<String> lines = new ArrayList<>();
        lines.add("check: already a hot standby streaming from " + primary.peerHost() + "? then the clone is skipped");
        lines.add("stop: " + String.join(" ", standby.layout().ctl("stop", "-m", "fast")));
        lines.add("empty the data directory " + standby.layout().dataDir());
        lines.add(usesBaseBackup(standby) ? String.join(" ", baseBackup(standby, primary)) : BackupApiClone.describe(primary));
        return lines;
    }

    @Override
    public boolean isDone() {
        boolean done = facts(control.get(), standby).isStandbyOf(primary.peerHost(), primary.peerPort());
        if (done) {
            progress.detail(standby.name() + " already a standby of " + primary.name() + ": not cloned again");
        }
        return done;
    }

    @Override
    public void apply() {
        NodeControl nodes = control.get();
        stopOrKill(nodes, standby);
        empty(standby);
        if (usesBaseBackup(standby)) {
            String output = standby.transport().run(baseBackup(standby, primary), standby.layout().clientEnv());
            progress.detail(standby.name() + " cloned from " + primary.name() + " with pg_basebackup"
                    + (output.isBlank() ? "" : ": " + output.lines().reduce((a, b) -> b).orElse("")));
        } else {
            progress.detail("low-level backup API copy from " + primary.name() + " (no pg_basebackup in " + standby.layout().describe() + ")");
            BackupApiClone.copy(nodes, primary, standby, progress);
        }
    }

    /**
     * A node being replaced may be frozen or hung: if it does not stop, it is killed. A frozen one (SIGSTOP) is killed
     * at once: it cannot answer a clean stop, which would only wait out pg_ctl's 60 s first.
     */
    static void stopOrKill(NodeControl nodes, Node node) {
        if (nodes.isFrozen(node)) {
            nodes.awaitGone(node, nodes.signal(node, "KILL", true));
            return;
        }
        try {
            nodes.stop(node);
        } catch (ClusterException notStopping) {
            nodes.awaitGone(node, nodes.signal(node, "KILL", true));
        }
    }

    /** The directory itself stays (a package made it, owned by postgres with mode 700); its contents go. */
    static void empty(Node node) {
        node.transport().run(List.of("sh", "-c", "mkdir -p \"$1\" && chmod 700 \"$1\" && find \"$1\" -mindepth 1 -delete",
                "empty", node.layout().dataDir()));
    }

    static StandbyFacts facts(NodeControl nodes, Node node) {
        boolean initialized = nodes.isInitialized(node);
        boolean running = initialized && nodes.isRunning(node);
        boolean inRecovery = false;
        String conninfo = null;
        if (running) {
            try {
                inRecovery = "t".equals(nodes.query(node, "SELECT pg_is_in_recovery()"));
                conninfo = nodes.query(node, "SELECT current_setting('primary_conninfo')");
            } catch (ClusterException unreachable) {
                running = false;
            }
        } else if (initialized) {
            conninfo = nodes.read(node, node.layout().dataDir() + "/postgresql.auto.conf");
        }
        return new StandbyFacts(initialized, running, inRecovery, initialized && nodes.isStandbyConfigured(node),
                initialized && nodes.isFenced(node), conninfo);
    }
}
