package org.pagila.cluster.backup;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.engine.Node;
import org.pagila.cluster.transport.Shell;

/**
 * Copies a node's data directory (and, where the layout keeps them elsewhere, its configuration files) into a backup
 * by running GNU tar ON THE NODE through its transport and re-writing each member into the backup's own archive.
 * The same code reads a local process's folder, a container's over `docker exec` and a VM's over SSH: every layout
 * we run has tar (Debian marks it essential), while pg_basebackup is missing from the bundled build and a local
 * read of the folder would work on this machine only.
 */
final class DataDirCopy {
    /** PostgreSQL's documented "omit from a base backup" list: contents recreated at startup or by replay. */
    private static final List<String> EMPTY_DIRS = List.of("pg_wal", "pg_replslot", "pg_dynshmem", "pg_notify", "pg_serial",
            "pg_snapshots", "pg_stat_tmp", "pg_subtrans");
    private static final List<String> SKIP_FILES = List.of("postmaster.pid", "postmaster.opts", "backup_label",
            "tablespace_map", "standby.signal", "recovery.signal", "backup_label.old");
    static final String CONTROL_FILE = "global/pg_control";
    /** Where the configuration of a layout that keeps it outside the data directory (Debian: /etc) goes in the backup. */
    static final String CONFIG_PREFIX = "config/";
    /** tar's exit 1: a file changed or shrank while it was read, which a backup of a running server expects. */
    private static final Set<Integer> TAR_OK = Set.of(0, 1);

    private DataDirCopy() {
    }

    /** Everything of the data directory but pg_control, then the configuration folder, then pg_control last. */
    static void copy(Node node, ArchiveWriter writer) throws IOException {
        String dataDir = node.layout().dataDir();
        List<String> excludes = new ArrayList<>(List.of("--anchored", "--exclude=./" + CONTROL_FILE, "--exclude=*/pgsql_tmp*",
                "--exclude=*/pg_internal.init"));
        EMPTY_DIRS.forEach(dir -> excludes.add("--exclude=./" + dir + "/*"));
        SKIP_FILES.forEach(file -> excludes.add("--exclude=./" + file));
        tar(node, dataDir, excludes, ".", "", writer);
        writer.addDirectory("pg_wal/archive_status");
        writer.addDirectory("pg_wal/summaries");
        Optional<String> configDir = node.layout().configDir();
        if (configDir.isPresent()) {
            tar(node, configDir.get(), List.of(), ".", CONFIG_PREFIX, writer);
        }
        // a standby's backup ends at the minimum recovery point pg_control records: read it after everything else
        long files = writer.files();
        tar(node, dataDir, List.of(), "./" + CONTROL_FILE, "", writer);
        if (writer.files() == files) {
            throw new ClusterException("No " + CONTROL_FILE + " in " + dataDir + " on " + node.name());
        }
    }

    private static void tar(Node node, String dir, List<String> options, String what, String prefix, ArchiveWriter writer) {
        List<String> command = new ArrayList<>(List.of("tar", "-C", dir, "-cf", "-", "--warning=no-file-changed",
                "--warning=no-file-removed", "--warning=no-file-shrank", "--ignore-failed-read"));
        command.addAll(options);
        command.add(what);
        Shell.Result result = node.transport().read(command, stdout -> {
            TarArchiveInputStream in = new TarArchiveInputStream(stdout);
            TarArchiveEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                String name = entry.getName().replaceFirst("^\\./", "").replaceFirst("/$", "");
                if (name.isEmpty() || name.equals(".")) {
                    continue;
                }
                if (entry.isDirectory()) {
                    writer.addDirectory(prefix + name);
                } else if (entry.isFile()) {
                    writer.addStream(prefix + name, entry.getSize(), entry.getModTime().getTime(), in);
                }
                // links and special files: PostgreSQL keeps none we restore (tablespaces are not used by the store)
            }
        });
        if (!TAR_OK.contains(result.exitCode())) {
            throw new ClusterException("Reading " + dir + " on " + node.name() + " (" + node.transport().describe()
                    + ") failed (tar exit " + result.exitCode() + "): " + result.output());
        }
    }
}
