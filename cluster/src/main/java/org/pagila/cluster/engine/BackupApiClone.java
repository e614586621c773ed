package org.pagila.cluster.engine;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Set;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.Progress;
import org.pagila.cluster.transport.ServiceUser;

/**
 * A standby's data directory made from the running primary without pg_basebackup (the bundled build lacks it):
 * the low-level backup API (pg_backup_start, copy, pg_backup_stop in one session, the returned backup_label
 * written into the copy). Both nodes are on this machine: it copies between their data directories. The slot
 * exists before the copy starts, so the primary keeps every WAL segment the standby will need.
 */
final class BackupApiClone {
    /** Contents that must not be copied (PostgreSQL's documented list for base backups). */
    private static final Set<String> SKIP_CONTENTS = Set.of("pg_wal", "pg_replslot", "pg_dynshmem", "pg_notify",
            "pg_serial", "pg_snapshots", "pg_stat_tmp", "pg_subtrans");
    private static final Set<String> SKIP_FILES = Set.of("postmaster.pid", "postmaster.opts", "postgresql.auto.conf",
            "backup_label", "tablespace_map", "standby.signal", "recovery.signal", NodeControl.FENCE_FILE);

    private BackupApiClone() {
    }

    static String describe(Node primary) {
        return "copy " + primary.layout().dataDir() + " with the low-level backup API (pg_backup_start, file copy,"
                + " pg_backup_stop; no pg_basebackup in " + primary.layout().describe() + "), then standby.signal and"
                + " primary_conninfo, primary_slot_name";
    }

    /** Copies into the standby's (empty) data directory and configures it to stream from the primary. */
    static void copy(NodeControl control, Node primary, Node standby, Progress progress) {
        Path source = Path.of(primary.layout().dataDir());
        Path target = Path.of(standby.layout().dataDir());
        control.jdbc(primary, c -> {
            try (Statement statement = c.createStatement()) {
                statement.execute("SELECT pg_backup_start('clone " + standby.name() + "', true)");
                long bytes;
                try {
                    bytes = copyDataDirectory(source, target);
                } catch (IOException e) {
                    throw new ClusterException("Cannot copy " + source + " to " + target + ": " + e.getMessage(), e);
                }
                try (ResultSet stop = statement.executeQuery("SELECT lsn, labelfile, spcmapfile FROM pg_backup_stop(false)")) {
                    stop.next();
                    Files.writeString(target.resolve("backup_label"), stop.getString("labelfile"));
                    String spcmap = stop.getString("spcmapfile");
                    if (spcmap != null && !spcmap.isEmpty()) {
                        Files.writeString(target.resolve("tablespace_map"), spcmap);
                    }
                    progress.detail(String.format("copied %,d MB, backup ends at LSN %s", bytes / (1024 * 1024), stop.getString("lsn")));
                } catch (IOException e) {
                    throw new ClusterException("Cannot write the backup label of " + standby.name() + ": " + e.getMessage(), e);
                }
            }
        });
        try {
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new ClusterException("Cannot set the mode of " + target + ": " + e.getMessage(), e);
        }
        ServiceUser.own(target);
        standby.transport().writeFile(standby.layout().dataDir() + "/standby.signal", "");
        standby.transport().writeFile(standby.layout().dataDir() + "/postgresql.auto.conf",
                ServerConfig.standbySettings(standby, primary));
    }

    /** Copies a live data directory; files that vanish during the copy are expected (the backup covers them). */
    private static long copyDataDirectory(Path source, Path target) throws IOException {
        long[] bytes = {0};
        Files.walkFileTree(source, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Path relative = source.relativize(dir);
                Files.createDirectories(target.resolve(relative));
                if (relative.getNameCount() == 1 && SKIP_CONTENTS.contains(relative.toString())) {
                    if (relative.toString().equals("pg_wal")) {
                        Files.createDirectories(target.resolve("pg_wal/archive_status"));
                    }
                    return FileVisitResult.SKIP_SUBTREE;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Path relative = source.relativize(file);
                String name = file.getFileName().toString();
                if ((relative.getNameCount() == 1 && SKIP_FILES.contains(name)) || name.startsWith("pgsql_tmp")) {
                    return FileVisitResult.CONTINUE;
                }
                try {
                    Files.copy(file, target.resolve(relative), StandardCopyOption.COPY_ATTRIBUTES);
                    bytes[0] += attrs.size();
                } catch (NoSuchFileException vanished) {
                    // dropped by the running primary mid-copy; WAL replay recreates what matters
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
                if (exc instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw exc;
            }
        });
        return bytes[0];
    }
}
