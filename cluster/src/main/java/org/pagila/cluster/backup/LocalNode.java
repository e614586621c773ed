package org.pagila.cluster.backup;

import java.nio.file.Files;
import java.nio.file.Path;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.ClusterSettings;
import org.pagila.cluster.engine.EmbeddedLayout;
import org.pagila.cluster.engine.Node;
import org.pagila.cluster.engine.NodeControl;
import org.pagila.cluster.engine.PostgresBinaries;
import org.pagila.cluster.secrets.Secrets;
import org.pagila.cluster.transport.LocalTransport;
import org.pagila.cluster.transport.ServiceUser;

/**
 * An engine node on this machine as the restore and the switchover use it: its data folder as a local path (a restore
 * writes files directly; backups read any node through its transport instead), and start/stop through NodeControl.
 */
final class LocalNode {
    private final Node node;
    private final NodeControl control;

    LocalNode(Node node, Secrets secrets) {
        this.node = node;
        this.control = new NodeControl(secrets);
    }

    /** A node of its own (a restore target): own folder, own port, not one of the cluster's four. */
    static LocalNode isolated(String name, Path dir, int port, PostgresBinaries binaries, Secrets secrets) {
        ClusterSettings.NodeAddress address = new ClusterSettings.NodeAddress(name, "127.0.0.1", port);
        return new LocalNode(new Node(name, "127.0.0.1", port, new LocalTransport(), new EmbeddedLayout(dir, binaries, "127.0.0.1"),
                () -> address), secrets);
    }

    Node node() {
        return node;
    }

    String name() {
        return node.name();
    }

    ClusterSettings.NodeAddress address() {
        return node.client().get();
    }

    Path dataDir() {
        return Path.of(node.layout().dataDir());
    }

    Path dir() {
        return dataDir().getParent();
    }

    boolean isInitialized() {
        return Files.isRegularFile(dataDir().resolve("PG_VERSION"));
    }

    boolean isRunning() {
        return isInitialized() && control.isRunning(node);
    }

    void start() {
        // a restored folder was unpacked by this process: the server's OS user must own it (root runs servers as pagila)
        ServiceUser.own(dir());
        control.start(node);
    }

    void stop() {
        control.stop(node);
    }

    void writeFile(String relativePath, String content) {
        node.transport().writeFile(dataDir().resolve(relativePath).toString(), content);
    }

    String tailLog() {
        try {
            return control.tailLog(node);
        } catch (ClusterException e) {
            return "(no log)";
        }
    }
}
