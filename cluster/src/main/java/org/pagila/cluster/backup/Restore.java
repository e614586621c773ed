package org.pagila.cluster.backup;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.ClusterSettings;

import org.pagila.cluster.Progress;
import org.pagila.cluster.secrets.Secrets;

/**
 * `restore`: a verified backup unpacked into an isolated node of its own (folder and port), replayed from the WAL
 * archive to the target and promoted standalone. Isolated means: no primary_conninfo and no slot (nothing streams
 * to or from it) and archive_mode=off (its new timeline never reaches the cluster's archive).
 */
public final class Restore {
    /** Pagila's reference data: a restore that lacks it is not a restore of the store. */
    private static final Map<String, Long> PAGILA_COUNTS = Map.of("film", 1000L, "actor", 200L, "category", 16L,
            "customer", 599L, "inventory", 4581L, "store", 2L);

    private static final String RESTORE_HBA = "pagila-restore-hba.conf";
    private static final String RESTORE_IDENT = "pagila-restore-ident.conf";

    private final BackupSettings settings;
    private final Progress progress;

    public Restore(BackupSettings settings, Progress progress) {
        this.settings = settings;
        this.progress = progress;
    }

    public record RestoredNode(String name, ClusterSettings.NodeAddress address, Path dataDir, String backupId,
                               String target, Map<String, Long> counts, Duration took) {
        public String connectHint(Path secretsFile) {
            return "psql \"host=" + address.host() + " port=" + address.port() + " dbname=pagila user=" + Secrets.SUPERUSER
                    + "\"   (password: " + Secrets.SUPERUSER + ".password in " + Secrets.adminFile(secretsFile) + ")";
        }
    }

    public RestoredNode restore(Optional<String> backupId, RestoreTarget target, int port) {
        Instant started = Instant.now();
        BackupCatalog catalog = new BackupCatalog(settings);
        BackupInfo backup = target.chooseBackup(catalog.list(), backupId, catalog.window());
        String name = "restore-" + port;
        LocalNode node = LocalNode.isolated(name, settings.restoresDir().resolve(name), port, RestoreBinaries.forMajor(
                settings.cluster(), RestoreBinaries.majorOfVersion(backup.serverVersion()), progress),
                Secrets.load(settings.cluster().secretsFile()));
        if (node.isRunning()) {
            throw new ClusterException("A restored node already runs on port " + port + " (" + node.dir()
                    + "). Stop it first: cluster/pagila-cluster restore-stop " + port);
        }
        if (portTaken(port)) {
            throw new ClusterException("Port " + port + " is taken by another program; choose a free one with --port P.");
        }
        progress.step("verify backup " + backup.id() + " (from " + backup.takenFrom() + ", ends " + backup.endTime()
                + ") and unpack it into " + node.dataDir());
        try {
            BackupFiles.deleteTree(node.dir());
            Files.createDirectories(node.dataDir());
            Files.setPosixFilePermissions(node.dataDir(), PosixFilePermissions.fromString("rwx------"));
            new BackupVerifier(settings, progress).check(backup, Optional.of(node.dataDir()));
            isolate(node, target);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(node.dir());
            throw e instanceof ClusterException c ? c : new ClusterException("Cannot unpack backup " + backup.id() + ": " + e.getMessage(), e);
        }

        progress.step("replay WAL to " + target.describe() + " on port " + port + ", then promote");
        Secrets secrets = Secrets.load(settings.cluster().secretsFile());
        try {
            node.start();
            awaitPromoted(node, secrets, Duration.ofMinutes(5));
        } catch (ClusterException e) {
            String log = node.tailLog();
            if (log.contains("recovery ended before configured recovery target was reached")
                    || log.contains("before consistent recovery point")) {
                deleteQuietly(node.dir());
                throw new ClusterException("The WAL archive does not reach " + target.describe() + ". A restore can reach "
                        + catalog.window().map(RestoreWindow::describe).orElse("nothing") + ".", e);
            }
            throw e;
        }

        progress.step("check the restored data");
        Map<String, Long> counts = counts(node, secrets);
        progress.detail("rows: " + counts);
        PAGILA_COUNTS.forEach((table, expected) -> {
            if (!expected.equals(counts.get(table))) {
                throw new ClusterException("Restored node on port " + port + " has " + counts.get(table) + " rows in " + table
                        + ", Pagila has " + expected + ": not a good restore (node left running for inspection).");
            }
        });
        RestoredNode restored = new RestoredNode(name, node.address(), node.dataDir(), backup.id(), target.describe(), counts,
                Duration.between(started, Instant.now()));
        progress.info(String.format("Restored backup %s to %s in %.1f s: a standalone primary on port %d.%n  connect: %s%n"
                        + "  stop and remove it: cluster/pagila-cluster restore-stop %d", backup.id(), target.describe(),
                restored.took().toMillis() / 1000.0, port, restored.connectHint(settings.cluster().secretsFile()), port));
        return restored;
    }

    /** The ports of the restored nodes there are, as restore-stop takes them; empty when there is none. */
    private Optional<String> restoredPorts() {
        try (var dirs = Files.list(settings.restoresDir())) {
            List<String> ports = dirs.map(d -> d.getFileName().toString()).filter(n -> n.matches("restore-[0-9]+"))
                    .map(n -> n.substring("restore-".length())).sorted().toList();
            return ports.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", ports));
        } catch (IOException noFolder) {
            return Optional.empty();
        }
    }

    /** Stops a restored node and deletes its folder. */
    public void stop(int port) {
        Path dir = settings.restoresDir().resolve("restore-" + port);
        if (!Files.isDirectory(dir)) {
            // a repeated restore-stop or a mistyped port: the ports there are tell which
            throw new ClusterException("No restored node on port " + port + " in " + settings.restoresDir() + ": "
                    + restoredPorts().map(ports -> "the restored nodes there are listen on " + ports)
                            .orElse("there is none (already stopped?)"));
        }
        LocalNode node = LocalNode.isolated("restore-" + port, dir, port, RestoreBinaries.forMajor(settings.cluster(),
                RestoreBinaries.majorOfDataDir(dir.resolve("data")), progress), Secrets.load(settings.cluster().secretsFile()));
        node.stop();
        deleteQuietly(node.dir());
        progress.info("restored node on port " + port + " stopped and removed");
    }

    /**
     * The node's own port, name and access rules; no upstream, no slot, no archiving; recovery from the archive to the
     * target. Settings that name files of the node the backup came from (Patroni writes absolute hba_file and
     * ident_file paths; Debian keeps postgresql.conf under /etc) are replaced, so nothing of a live node is read.
     */
    private void isolate(LocalNode node, RestoreTarget target) throws IOException {
        if (!Files.exists(node.dataDir().resolve("postgresql.conf"))) {
            // Debian's layout: the configuration was in /etc (kept in the backup under config/), not in the data folder
            node.writeFile("postgresql.conf", "# restored by pagila-cluster: the backup's configuration is in "
                    + DataDirCopy.CONFIG_PREFIX + " for reference\nlisten_addresses = '127.0.0.1'\n");
        }
        node.writeFile(RESTORE_HBA, "# restored by pagila-cluster: loopback only, passwords (scram-sha-256)\n"
                + "host all all 127.0.0.1/32 scram-sha-256\n");
        node.writeFile(RESTORE_IDENT, "");
        Path auto = node.dataDir().resolve("postgresql.auto.conf");
        if (Files.exists(auto)) {
            Files.move(auto, node.dataDir().resolve("postgresql.auto.conf.from-backup"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        node.writeFile(WalArchive.CONF_FILE, "# a restored node never archives into the cluster's archive\narchive_mode = off\n");
        node.writeFile("postgresql.auto.conf", "# restored by pagila-cluster: isolated from the cluster\n"
                + "port = " + node.address().port() + "\n"
                + "cluster_name = '" + node.name() + "'\n"
                + "primary_conninfo = ''\n"
                + "primary_slot_name = ''\n"
                + "archive_mode = off\n"
                + "listen_addresses = '127.0.0.1'\n"
                + "unix_socket_directories = ''\n"
                + "hba_file = '" + node.dataDir().resolve(RESTORE_HBA) + "'\n"
                + "ident_file = '" + node.dataDir().resolve(RESTORE_IDENT) + "'\n"
                + "restore_command = 'cp \"" + settings.archiveDir() + "/%f\" \"%p\"'\n"
                + target.recoverySettings());
        node.writeFile("recovery.signal", "");
        Files.deleteIfExists(node.dataDir().resolve("standby.signal"));
    }

    private static void awaitPromoted(LocalNode node, Secrets secrets, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            try (Connection c = Sql.superuser(node.address(), secrets, "postgres")) {
                if ("f".equals(Sql.one(c, "SELECT pg_is_in_recovery()"))) {
                    return;
                }
            } catch (SQLException e) {
                // still starting
            }
            if (Instant.now().isAfter(deadline) || !node.isRunning()) {
                throw new ClusterException("The restored node did not finish recovery within " + timeout.toSeconds()
                        + " s. Last log lines:\n" + node.tailLog());
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ClusterException("Interrupted while waiting for the restored node", e);
            }
        }
    }

    private static Map<String, Long> counts(LocalNode node, Secrets secrets) {
        Map<String, Long> counts = new LinkedHashMap<>();
        try (Connection c = Sql.superuser(node.address(), secrets, "pagila")) {
            for (String table : new String[] {"film", "actor", "category", "store", "customer", "inventory", "rental", "payment"}) {
                counts.put(table, Long.parseLong(Sql.one(c, "SELECT count(*) FROM " + table)));
            }
        } catch (SQLException e) {
            throw new ClusterException("Cannot read the restored pagila database: " + e.getMessage(), e);
        }
        return counts;
    }

    private static boolean portTaken(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void deleteQuietly(Path dir) {
        try {
            BackupFiles.deleteTree(dir);
        } catch (IOException e) {
            // reported by the caller's message
        }
    }
}
