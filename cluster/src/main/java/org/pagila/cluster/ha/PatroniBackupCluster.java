package org.pagila.cluster.ha;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.ClusterSettings;
import org.pagila.cluster.backup.BackupCluster;
import org.pagila.cluster.engine.EmbeddedLayout;
import org.pagila.cluster.engine.Node;
import org.pagila.cluster.engine.PostgresBinaries;
import org.pagila.cluster.probe.ClusterProbe;
import org.pagila.cluster.probe.NodeStatus;
import org.pagila.cluster.secrets.Secrets;
import org.pagila.cluster.transport.LocalTransport;

/**
 * A Patroni cluster as the backup sees it. Patroni decides who leads, so its view is asked first: no leader, or a
 * leader other than the one server that accepts writes (a failover under way), and no backup starts. A standby is a
 * fit source only while Patroni runs it as a member and its WAL receiver streams (Patroni names its slots after
 * members, so the engine's slot check does not apply). The members are local processes in the embedded layout's shape (a data folder per member),
 * run from Debian's PostgreSQL 15: the same tar-over-transport copy reads them.
 */
public final class PatroniBackupCluster implements BackupCluster {
    private final PatroniCluster cluster;

    public PatroniBackupCluster(PatroniCluster cluster) {
        this.cluster = cluster;
    }

    @Override
    public List<NodeStatus> status() {
        // Patroni's reads need no REST password (only its changes do): the backup never holds the tooling's secrets
        PatroniRest.View view = new PatroniRest(cluster.settings(), "").view()
                .orElseThrow(() -> new ClusterException("No member's Patroni answers: not backing up (see `status`)."));
        try (ClusterProbe probe = new ClusterProbe(cluster.settings().cluster().nodes(), "pagila", Secrets.MONITOR_USER,
                logins().password(Secrets.MONITOR_USER))) {
            return agreed(view, probe.probe());
        }
    }

    /** The servers' own view, accepted only where Patroni agrees on the leader; standbys fit while Patroni runs them. */
    static List<NodeStatus> agreed(PatroniRest.View view, List<NodeStatus> probed) {
        String leader = view.leader().filter(PatroniRest.Member::isRunningOrStreaming).map(PatroniRest.Member::name)
                .orElseThrow(() -> new ClusterException("Patroni reports no running leader (" + Members.oneLine(view)
                        + "): not backing up while the cluster has no primary."));
        List<String> writable = probed.stream().filter(n -> n.role() == NodeStatus.Role.PRIMARY).map(NodeStatus::name).toList();
        if (!writable.equals(List.of(leader))) {
            throw new ClusterException("Patroni's leader is " + leader + " but the servers accepting writes are " + writable
                    + ": a role change is under way. Not backing up; try again when `status` settles.");
        }
        List<NodeStatus> result = new ArrayList<>();
        for (NodeStatus n : probed) {
            Optional<PatroniRest.Member> member = view.members().stream().filter(m -> m.name().equals(n.name())).findFirst();
            // Patroni runs it as a member and the server's own WAL receiver streams (Patroni 3.0 may say "running")
            boolean streaming = member.map(PatroniRest.Member::isRunningOrStreaming).orElse(false)
                    && n.upstream().map(u -> u.endsWith("(streaming)")).orElse(false);
            result.add(n.role() != NodeStatus.Role.STANDBY ? n : new NodeStatus(n.name(), n.host(), n.port(), n.role(), n.lsn(),
                    n.lagBytes(), n.lagSeconds(), n.upstream(), Optional.of(n.name() + " (Patroni)"), Optional.of(streaming),
                    n.error(), n.timeline()));
        }
        return result;
    }

    @Override
    public Node node(String name) {
        HaSettings ha = cluster.settings();
        ClusterSettings.NodeAddress address = ha.pg(name);
        EmbeddedLayout layout = new EmbeddedLayout(ha.memberDir(name), new PostgresBinaries(ha.pgBin(), "Debian PostgreSQL under Patroni"),
                address.host());
        return new Node(name, address.host(), address.port(), new LocalTransport(), layout, () -> address);
    }

    @Override
    public Secrets logins() {
        return Secrets.loadForBackup(cluster.settings().cluster().secretsFile());
    }
}
