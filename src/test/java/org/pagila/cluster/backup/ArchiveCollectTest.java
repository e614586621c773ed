package org.pagila.cluster.backup;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pagila.cluster.ClusterSettings;
import org.pagila.cluster.Progress;
import org.pagila.cluster.engine.Node;
import org.pagila.cluster.transport.LocalTransport;

/**
 * The collection on real files with a real transport (this machine's: tar and find run as the servers' user, the
 * archive script publishes): each "node" is a folder standing for a machine's own archive. No PostgreSQL: the
 * containers' and VMs' tests run it with real servers (ContainerArchiveCollectTest, KvmTopologyIT).
 */
class ArchiveCollectTest {
    @TempDir
    Path tmp;
    private BackupSettings settings;

    @BeforeEach
    void hostArchive() throws IOException {
        // the servers' user (pagila under root) reads the nodes' folders and writes the archive: a reachable temp folder
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        ClusterSettings cluster = new ClusterSettings("collect", tmp, List.of(), Optional.empty(), Optional.empty());
        settings = new BackupSettings(cluster, tmp.resolve("host"), 3, java.time.Duration.ofSeconds(5), java.time.Duration.ofSeconds(30),
                java.time.Duration.ofSeconds(60));
    }

    @Test
    void copiesWhatTheArchiveLacksFromEveryNodeKeepsWhatItHasAndReportsANodeItCannotList() throws Exception {
        Path primary = node("primary", "000000010000000000000003", "tl1 seg 3", "000000010000000000000004", "tl1 seg 4 primary",
                "000000010000000000000004.partial", "partial");
        Path node1 = node("node1", "000000010000000000000004", "tl1 seg 4 node1 (differs past the fork)",
                "00000002.history", "1\t0/4000100\tno recovery target specified\n", "000000020000000000000004", "tl2 seg 4");
        WalArchive archive = new WalArchive(settings);
        archive.prepare();
        ArchiveCollect collect = collect(primary, node1, tmp.resolve("gone"));

        ArchiveCollect.Report report = collect.collect();
        assertEquals(List.of("000000010000000000000003", "000000010000000000000004", "00000002.history", "000000020000000000000004"),
                archive.files(), "segments and history, never the .partial");
        assertEquals(List.of("gone"), report.unreachable(), "a node that cannot be listed is reported, not fatal");
        assertEquals(4, report.copied());
        assertArrayEquals("tl1 seg 4 primary".getBytes(), Files.readAllBytes(settings.archiveDir().resolve("000000010000000000000004")),
                "one copy of each name, from the first node that has it");

        Files.writeString(node1.resolve("000000020000000000000005"), "tl2 seg 5");
        ArchiveCollect.Report again = collect.collect();
        assertEquals(1, again.copied(), "only what is new");
        assertTrue(collect.awaitArchived("000000020000000000000005", java.time.Duration.ofSeconds(1)));
    }

    @Test
    void aNameThisArchiveHasIsNeitherReadAgainNorReplaced() throws Exception {
        WalArchive archive = new WalArchive(settings);
        archive.prepare();
        // never overwrite: a node's different copy of a file this archive holds stays on the node
        Files.writeString(settings.archiveDir().resolve("00000003.history"), "here first\n");
        Path node = node("node2", "00000003.history", "another history", "000000030000000000000009", "tl3 seg 9");
        ArchiveCollect.Report report = collect(node).collect();
        assertEquals(1, report.copied());
        assertEquals(List.of(), report.refused(), "a name this archive has is not even read from the node");
        assertEquals("here first\n", Files.readString(settings.archiveDir().resolve("00000003.history")));
    }

    @Test
    void afterRetentionEachNodePrunesWhatNoKeptBackupNeedsKeepingHistoryFiles() throws Exception {
        Path node = node("node3", "000000010000000000000003", "old", "000000010000000000000004", "old", "00000001.history", "h",
                "000000010000000000000005", "needed", "000000020000000000000006", "needed");
        org.pagila.cluster.transport.ServiceUser.own(node); // a node's archive belongs to its servers' user, who prunes it
        // one kept backup, starting in segment 5
        String start = "000000010000000000000005";
        long seg = WalNames.DEFAULT_SEGMENT_SIZE;
        BackupInfo backup = new BackupInfo("b1", settings.baseDir().resolve("b1"), "node1", "standby", java.time.Instant.now(),
                java.time.Instant.now(), WalNames.formatLsn(5 * seg + 0x28), WalNames.formatLsn(5 * seg + 0x100), 1, start, start, seg,
                1, 1, 1, "x", "15", Optional.empty());
        Files.createDirectories(backup.dir());
        backup.write();
        collect(node).prune(new Retention.Plan(List.of(), List.of(), Optional.of(start)));
        try (var files = Files.list(node)) {
            assertEquals(List.of("00000001.history", "000000010000000000000005", "000000020000000000000006"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void whereTheHostsPostgresqlArchivesIntoTheSameFolderItsArchiverCanStillCompareACollectedCopy() throws Exception {
        // the KVM topology's primary on the host: its archiver (user postgres) and the collection share the folder
        org.pagila.store.web.Prerequisite.require(org.pagila.cluster.transport.ServiceUser.isRoot()
                && org.pagila.cluster.transport.Shell.exec(List.of("id", "-u", "postgres")).exitCode() == 0,
                "root and a user postgres (apt-get install postgresql-15)");
        WalArchive archive = new WalArchive(settings);
        archive.prepare();
        org.pagila.cluster.transport.Shell.run(List.of("sh", "-c", "chown postgres:" + org.pagila.cluster.transport.ServiceUser.NAME
                + " \"$1\" && chmod 2770 \"$1\"", "own", settings.archiveDir().toString()));
        Path node = node("node1", "000000020000000000000007", "tl2 seg 7");
        assertEquals(1, collect(node).collect().copied());
        // the host's standby received the same segment and archives it too: the script, as postgres, must read ours
        Path offered = Files.createDirectories(tmp.resolve("host-pg_wal"));
        Files.writeString(offered.resolve("000000020000000000000007"), "tl2 seg 7");
        Files.setPosixFilePermissions(offered, PosixFilePermissions.fromString("rwxr-xr-x"));
        org.pagila.cluster.transport.Shell.Result archived = org.pagila.cluster.transport.LocalTransport.as("postgres").exec(List.of("sh",
                settings.dir().resolve(WalArchive.SCRIPT).toString(), offered.resolve("000000020000000000000007").toString(),
                "000000020000000000000007"));
        assertEquals(0, archived.exitCode(), "the host's archiver would stall on the collected copy: " + archived.output());
    }

    @Test
    void aSharedFolderHasNothingToCollect() {
        ArchiveCollect.Report report = new ArchiveCollect(BackupCluster.of(List.of(), (org.pagila.cluster.secrets.Secrets) null), settings, Progress.quiet()).collect();
        assertTrue(report.shared());
        assertEquals(0, report.copied());
    }

    private ArchiveCollect collect(Path... nodeArchives) {
        // every node's archive at the same path, as on the VMs: here each node is a folder read through the local transport
        List<Node> nodes = java.util.Arrays.stream(nodeArchives).map(dir -> new Node(dir.getFileName().toString(), "127.0.0.1", 1,
                new FolderTransport(dir), null, null)).toList();
        return new ArchiveCollect(Optional.of(new BackupCluster.LocalArchives(nodes, ".")), settings, new Progress(System.out, 1), true);
    }

    private Path node(String name, String... filesAndContents) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        for (int i = 0; i < filesAndContents.length; i += 2) {
            Files.writeString(dir.resolve(filesAndContents[i]), filesAndContents[i + 1]);
        }
        return dir;
    }

    /** This machine's transport, with the commands run in the node's folder (its archive path is "." then). */
    private record FolderTransport(Path dir) implements org.pagila.cluster.transport.NodeTransport {
        @Override
        public String describe() {
            return "local folder " + dir;
        }

        @Override
        public org.pagila.cluster.transport.Shell.Result exec(List<String> command, java.util.Map<String, String> env, byte[] stdin) {
            return new LocalTransport().exec(inFolder(command), env, stdin);
        }

        @Override
        public org.pagila.cluster.transport.Shell.Result execAdmin(List<String> command) {
            return new LocalTransport().execAdmin(command);
        }

        @Override
        public org.pagila.cluster.transport.Shell.Result read(List<String> command,
                org.pagila.cluster.transport.Shell.OutputReader reader) {
            return new LocalTransport().read(inFolder(command), reader);
        }

        private List<String> inFolder(List<String> command) {
            List<String> all = new java.util.ArrayList<>(List.of("sh", "-c", "cd \"$0\" && exec \"$@\"", dir.toString()));
            all.addAll(command);
            return all;
        }
    }
}
