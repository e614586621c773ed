package org.pagila.cluster.container;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Volume;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pagila.cluster.ClusterSettings;
import org.pagila.cluster.Progress;
import org.pagila.cluster.backup.BackupSettings;
import org.pagila.cluster.backup.Restore;
import org.pagila.cluster.backup.WalArchive;
import org.pagila.cluster.engine.Node;
import org.pagila.cluster.engine.NodeControl;
import org.pagila.cluster.engine.PackagedLayout;
import org.pagila.cluster.engine.Plan;
import org.pagila.cluster.engine.Provisioning;
import org.pagila.cluster.pagila.PagilaFiles;
import org.pagila.cluster.secrets.Secrets;
import org.pagila.cluster.transport.DockerExecTransport;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * What the container backup tests share: a primary and one streaming standby in containers with Debian's packaged
 * PostgreSQL 15 (the VMs' layout), provisioned by the engine, archiving either into this machine's backup folder
 * bind-mounted at the same path in each (shared), or each into its own folder inside its container, at the VMs'
 * path (the archives are then collected here). Two nodes, not four: a backup needs a primary and one streaming
 * standby, and each container costs a clone.
 */
final class BackupContainers {
    /** Where each node keeps its own archive when the folder is not shared: the VMs' path. */
    static final Path NODE_BACKUP_DIR = Path.of("/var/lib/pagila-backup");
    private static final List<String> NAMES = List.of("primary", "node1");

    final DockerClient docker;
    /** This machine's backups and archive. */
    final BackupSettings settings;
    /** The archive as the nodes write it: {@link #settings}' when shared, else their own at NODE_BACKUP_DIR. */
    final BackupSettings nodeSettings;
    final NodeControl control;
    final Map<String, GenericContainer<?>> containers = new LinkedHashMap<>();
    final Map<String, Node> nodes = new LinkedHashMap<>();
    private final int restorePort;
    private Network network;

    private BackupContainers(DockerClient docker, BackupSettings settings, BackupSettings nodeSettings, NodeControl control, int restorePort) {
        this.docker = docker;
        this.settings = settings;
        this.nodeSettings = nodeSettings;
        this.control = control;
        this.restorePort = restorePort;
    }

    /** Skipped without Docker or the image (CI=true: fails). The cluster folder is named after the restore port. */
    static BackupContainers start(String testClass, String clusterName, int restorePort, boolean sharedFolder) throws IOException {
        DockerClient docker = DockerNodes.require(testClass);
        // a cluster folder the servers' user can reach (restores run as it), beside the other test clusters
        ClusterSettings cluster = ClusterSettings.from(key -> switch (key) {
            case "pagila.cluster.name" -> Optional.of(clusterName + "-" + restorePort);
            case "pagila.cluster.hosts" -> Optional.of("127.0.0.1:1,127.0.0.1:2,127.0.0.1:3,127.0.0.1:4");
            default -> Optional.empty();
        });
        org.pagila.cluster.engine.PostgresBinaries.deleteTree(cluster.clusterDir());
        Files.createDirectories(cluster.clusterDir());
        BackupSettings settings = BackupSettings.fromSystem(cluster);
        BackupSettings nodeSettings = sharedFolder ? settings : new BackupSettings(cluster, NODE_BACKUP_DIR, settings.keep(),
                settings.walWait(), settings.maxReadLag(), settings.archiveTimeout());
        BackupContainers c = new BackupContainers(docker, settings, nodeSettings,
                new NodeControl(Secrets.loadOrCreate(cluster.secretsFile())), restorePort);
        c.startAndProvision(sharedFolder);
        return c;
    }

    private void startAndProvision(boolean sharedFolder) {
        WalArchive archive = new WalArchive(nodeSettings);
        if (sharedFolder) {
            archive.prepare();
        }
        PackagedLayout layout = new PackagedLayout("15", 5432).withArchiving(archive.serverSettings());
        network = Network.newNetwork();
        String dir = settings.dir().toString();
        for (String name : NAMES) {
            GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(DockerNodes.IMAGE))
                    .withNetwork(network)
                    .withNetworkAliases(name)
                    .withLabel("pagila.branch", Optional.ofNullable(System.getenv("PAGILA_CLUSTER_NAME")).orElse("test"))
                    // shared: the backup folder at the same path inside, so archive_command and the archive agree on every
                    // node. A plain Docker bind: Testcontainers' own file binds first try to pull a helper image (no registry)
                    .withCreateContainerCmdModifier(cmd -> {
                        cmd.withHostName(name);
                        if (sharedFolder) {
                            cmd.getHostConfig().withBinds(new Bind(dir, new Volume(dir)));
                        }
                    })
                    .withExposedPorts(layout.port())
                    .waitingFor(Wait.forLogMessage(".*pagila node ready.*", 1));
            container.start();
            containers.put(name, container);
            nodes.put(name, new Node(name, name, layout.port(), new DockerExecTransport(container.getContainerId(), PackagedLayout.OS_USER),
                    layout, () -> new ClusterSettings.NodeAddress(name, container.getHost(), DockerNodes.hostPort(docker, container, layout.port()))));
        }
        String subnet = docker.inspectNetworkCmd().withNetworkId(network.getId()).exec().getIpam().getConfig().get(0).getSubnet();
        Progress progress = new Progress(System.out, 3);
        Provisioning provisioning = new Provisioning(() -> control, subnet, new PagilaFiles(PagilaFiles.dirFromEnvironment(), progress), progress);
        new Plan(nodes.values().stream().map(sharedFolder ? archive::writableBy : archive::ownArchiveOn).toList()).run(progress);
        new Plan(provisioning.primary(nodes.get("primary"), List.of(nodes.get("node1")))).run(progress);
        new Plan(provisioning.standby(nodes.get("node1"), nodes.get("primary"))).run(progress);
    }

    List<Node> nodeList() {
        return List.copyOf(nodes.values());
    }

    /** The restored node (if a test left one), the containers, the network and the cluster folder. */
    void remove() throws IOException {
        try {
            new Restore(settings, Progress.quiet()).stop(restorePort);
        } catch (RuntimeException nothingRestored) {
            // the test stops it itself
        }
        containers.values().forEach(GenericContainer::stop);
        if (network != null) {
            network.close();
        }
        org.pagila.cluster.engine.PostgresBinaries.deleteTree(settings.cluster().clusterDir());
    }
}
