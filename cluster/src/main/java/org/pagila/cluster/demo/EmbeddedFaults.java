package org.pagila.cluster.demo;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Optional;
import org.pagila.cluster.ClusterSettings;
import org.pagila.cluster.engine.EmbeddedCluster;
import org.pagila.cluster.Progress;

/** The embedded cluster's faults: SIGKILL, `promote` (the standby that received the most WAL), `rejoin` (pg_rewind or re-clone). */
final class EmbeddedFaults implements FaultInjector {
    private final EmbeddedCluster cluster;

    EmbeddedFaults(ClusterSettings settings) {
        // the tooling's own progress lines would interleave with the narration: the demo tells the story
        this.cluster = new EmbeddedCluster(settings, new Progress(new PrintStream(OutputStream.nullOutputStream()), 2));
    }

    @Override
    public void crash(String node) {
        cluster.kill(node);
    }

    @Override
    public String promote() {
        return cluster.promote(Optional.empty());
    }

    @Override
    public void rejoin(String node) {
        cluster.rejoin(node);
    }

    @Override
    public String describeCrash() {
        return "SIGKILL of its postmaster";
    }

    @Override
    public String describePromote() {
        return "promote the standby that received the most WAL (once it has replayed it)";
    }
}
