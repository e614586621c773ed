package org.pagila.cluster.backup;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.engine.EmbeddedCluster;
import org.pagila.cluster.engine.Node;
import org.pagila.cluster.probe.ClusterProbe;
import org.pagila.cluster.probe.NodeStatus;
import org.pagila.cluster.secrets.Secrets;

/**
 * What a backup needs from a cluster, whoever runs it: the nodes' roles and lag (to choose the source), each node as
 * the engine reaches it (transport and layout: where its data directory is and how to read it), and the two logins a
 * backup uses, never the superuser: {@code pagila_monitor} (pg_monitor) sees the roles and lag, {@code pagila_backup}
 * runs the low-level backup API. The embedded cluster, containers and VMs answer from the engine's probe; a Patroni
 * cluster answers from Patroni's view, so a backup never starts while Patroni and the servers disagree about who leads.
 */
public interface BackupCluster {
    /** As the monitoring login, in database pagila (the only one it may connect to). */
    List<NodeStatus> status();

    Node node(String name);

    /** {@link Secrets#BACKUP_LOGINS} only ({@link Secrets#loadForBackup}): asking it for the superuser fails. */
    Secrets logins();

    /**
     * Where the nodes archive WAL when each keeps its own archive (VMs; containers without a shared folder) instead of
     * writing this machine's: the archives are then collected here ({@link ArchiveCollect}) before a backup's end and
     * before a restore. Empty (the default): every node writes the one shared folder, nothing to collect.
     */
    default Optional<LocalArchives> localArchives() {
        return Optional.empty();
    }

    /** Every node of the cluster and the folder each one archives into, as the node sees it. */
    record LocalArchives(List<Node> nodes, String dir) {
    }

    /** Engine nodes probed over JDBC that each archive into their own folder {@code nodeArchiveDir}. */
    static BackupCluster archivingLocally(List<Node> nodes, Secrets logins, String nodeArchiveDir) {
        BackupCluster cluster = of(nodes, logins);
        return new BackupCluster() {
            @Override
            public List<NodeStatus> status() {
                return cluster.status();
            }

            @Override
            public Node node(String name) {
                return cluster.node(name);
            }

            @Override
            public Secrets logins() {
                return logins;
            }

            @Override
            public Optional<LocalArchives> localArchives() {
                return Optional.of(new LocalArchives(List.copyOf(nodes), nodeArchiveDir));
            }
        };
    }

    /** Engine nodes probed over JDBC: the embedded cluster, the containers, the VMs. */
    static BackupCluster of(List<Node> nodes, Secrets logins) {
        return new BackupCluster() {
            @Override
            public List<NodeStatus> status() {
                try (ClusterProbe probe = new ClusterProbe(nodes.stream().map(n -> n.client().get()).toList(), "pagila",
                        Secrets.MONITOR_USER, logins.password(Secrets.MONITOR_USER))) {
                    return probe.probe();
                }
            }

            @Override
            public Node node(String name) {
                return nodes.stream().filter(n -> n.name().equals(name)).findFirst()
                        .orElseThrow(() -> new ClusterException("Unknown node '" + name + "'"));
            }

            @Override
            public Secrets logins() {
                return logins;
            }
        };
    }

    /** The nodes with the backup's logins from the cluster's secrets file (the store's file, not the admin one). */
    static BackupCluster of(List<Node> nodes, Path secretsFile) {
        return of(nodes, Secrets.loadForBackup(secretsFile));
    }

    static BackupCluster of(EmbeddedCluster cluster) {
        return of(cluster.nodes(), cluster.settings().secretsFile());
    }
}
