package org.pagila.cluster.backup;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.EmbeddedCluster;
import org.pagila.cluster.LocalNode;
import org.pagila.cluster.NodeStatus;
import org.pagila.cluster.Progress;
import org.pagila.cluster.Secrets;

/**
 * `archive enable`: turns WAL archiving on in a cluster made before it existed. archive_mode only changes at a
 * restart, so the nodes restart one at a time, standbys first and the primary last (a short write pause).
 * New clusters archive from their first start.
 */
public final class ArchiveEnable {
    private final EmbeddedCluster cluster;
    private final WalArchive archive;
    private final Progress progress;

    public ArchiveEnable(EmbeddedCluster cluster, BackupSettings settings, Progress progress) {
        this.cluster = cluster;
        this.archive = new WalArchive(settings);
        this.progress = progress;
    }

    public void enable() {
        Secrets secrets = cluster.secrets();
        List<NodeStatus> nodes = cluster.status();
        List<NodeStatus> order = new ArrayList<>(nodes.stream().filter(n -> n.role() == NodeStatus.Role.STANDBY).toList());
        nodes.stream().filter(n -> n.role() == NodeStatus.Role.PRIMARY).forEach(order::add);
        for (NodeStatus status : nodes) {
            LocalNode node = cluster.node(status.name());
            if (node.isInitialized()) {
                archive.configure(node);
            }
        }
        for (NodeStatus status : order) {
            LocalNode node = cluster.node(status.name());
            String mode;
            try (Connection c = Sql.superuser(node.address(), secrets, "postgres")) {
                mode = Sql.one(c, "SHOW archive_mode");
            } catch (SQLException e) {
                throw new ClusterException("Cannot ask " + node.name() + " for archive_mode: " + e.getMessage(), e);
            }
            if (mode.equals("always")) {
                progress.detail(node.name() + ": archiving already on");
                continue;
            }
            progress.detail(node.name() + ": restarting to turn archiving on (" + status.role().name().toLowerCase() + ")");
            node.stop();
            node.start();
        }
        progress.info("WAL archiving on for every running node, into " + archive.serverSettings().lines()
                .filter(l -> l.startsWith("archive_command")).findFirst().orElse(""));
    }
}
