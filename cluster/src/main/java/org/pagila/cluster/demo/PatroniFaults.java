package org.pagila.cluster.demo;

import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.Progress;
import org.pagila.cluster.ha.HaSettings;
import org.pagila.cluster.ha.PatroniCluster;
import org.pagila.cluster.ha.PatroniRest;

/**
 * A Patroni cluster's faults (`up --ha`): a power loss of the primary's whole member (Patroni, postmaster, backends),
 * then nobody promotes: Patroni does, once the leader key expires (ttl). Rejoin starts the member's Patroni again,
 * which rewinds the old primary (pg_rewind) and has it stream from the new leader.
 */
public final class PatroniFaults implements FaultInjector {
    private final PatroniCluster cluster;
    private String crashed;

    public PatroniFaults(HaSettings ha) {
        // Patroni's own progress lines would interleave with the narration: the demo tells the story
        this.cluster = new PatroniCluster(ha, new Progress(new PrintStream(OutputStream.nullOutputStream()), 1));
    }

    @Override
    public void crash(String node) {
        crashed = node;
        cluster.members().crash(node);
    }

    @Override
    public String promote() {
        // the key expires after ttl; then a loop of Patroni's to promote, on a loaded machine maybe a few
        Duration patience = Duration.ofSeconds(cluster.settings().timings().ttl() * 3L + 60);
        PatroniRest.View view = cluster.members().await(cluster.rest(), "Patroni to promote a standby", patience,
                v -> v.leader().filter(PatroniRest.Member::isRunningOrStreaming).filter(l -> !l.name().equals(crashed)).isPresent());
        return view.leader().map(PatroniRest.Member::name).orElseThrow(() -> new ClusterException("Patroni has no leader"));
    }

    @Override
    public void rejoin(String node) {
        cluster.members().start(node, cluster.secrets());
        cluster.members().await(cluster.rest(), node + " running again", Duration.ofSeconds(180),
                v -> v.members().stream().anyMatch(m -> m.name().equals(node) && m.isRunningOrStreaming()));
    }

    @Override
    public String describeCrash() {
        return "power loss: SIGKILL of its Patroni, postmaster and backends at once";
    }

    @Override
    public String describePromote() {
        return "nobody types promote: Patroni promotes the standby least behind once the leader key expires (ttl "
                + cluster.settings().timings().ttl() + " s)";
    }
}
