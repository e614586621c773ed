package org.pagila.cluster;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Makes a standby's data directory from the running primary: with pg_basebackup where the binaries have a
 * matching one, otherwise with the low-level backup API (pg_backup_start / copy / pg_backup_stop in one
 * session, the returned backup_label written into the copy). The slot must exist before the copy starts,
 * so the primary keeps every WAL segment the standby will need.
 */
public final class StandbyCloner {
    /** Contents that must not be copied (PostgreSQL's documented list for base backups). */
    private static final Set<String> SKIP_CONTENTS = Set.of("pg_wal", "pg_replslot", "pg_dynshmem", "pg_notify",
            "pg_serial", "pg_snapshots", "pg_stat_tmp", "pg_subtrans");
    private static final Set<String> SKIP_FILES = Set.of("postmaster.pid", "postmaster.opts", "postgresql.auto.conf",
            "backup_label", "tablespace_map", "standby.signal", "recovery.signal");

    private final PostgresBinaries binaries;
    private final Progress progress;

    public StandbyCloner(PostgresBinaries binaries, Progress progress) {
        this.binaries = binaries;
        this.progress = progress;
    }

    public void clone(LocalNode primary, LocalNode standby, Secrets secrets) {
        try {
            PostgresBinaries.deleteTree(standby.dataDir());
            Files.createDirectories(standby.dir());
            ServiceUser.own(standby.dir());
            if (binaries.has("pg_basebackup")) {
                progress.detail("pg_basebackup from " + primary.name() + " (" + binaries.origin() + ")");
                List<String> command = new ArrayList<>(NodePlan.baseBackup(binaries.program("pg_basebackup").toString(),
                        primary.address().host(), primary.address().port(), standby.dataDir().toString(), standby.name(), false));
                command.add("--no-sync");
                Shell.Result result = new LocalTransport().exec(command, Map.of("PGPASSWORD", secrets.password(Secrets.REPLICATION_USER)));
                if (result.exitCode() != 0) {
                    throw new ClusterException("pg_basebackup for " + standby.name() + " failed:\n" + result.output());
                }
            } else {
                progress.detail("low-level backup API copy from " + primary.name() + " (no pg_basebackup in " + binaries.origin() + ")");
                copyWithBackupApi(primary, standby, secrets);
            }
            Files.setPosixFilePermissions(standby.dataDir(), PosixFilePermissions.fromString("rwx------"));
            ServiceUser.own(standby.dir());
        } catch (IOException e) {
            throw new ClusterException("Cannot clone " + standby.name() + ": " + e.getMessage(), e);
        }
    }

    public static String slotName(String nodeName) {
        return nodeName + "_slot";
    }

    private void copyWithBackupApi(LocalNode primary, LocalNode standby, Secrets secrets) throws IOException {
        try (Connection connection = Jdbc.connect(primary.address(), "postgres", Secrets.SUPERUSER, secrets.password(Secrets.SUPERUSER));
             Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_backup_start('clone " + standby.name() + "', true)");
            long bytes = copyDataDirectory(primary.dataDir(), standby.dataDir());
            try (ResultSet stop = statement.executeQuery("SELECT lsn, labelfile, spcmapfile FROM pg_backup_stop(false)")) {
                stop.next();
                Files.writeString(standby.dataDir().resolve("backup_label"), stop.getString("labelfile"));
                String spcmap = stop.getString("spcmapfile");
                if (spcmap != null && !spcmap.isEmpty()) {
                    Files.writeString(standby.dataDir().resolve("tablespace_map"), spcmap);
                }
                progress.detail(String.format("copied %,d MB, backup ends at LSN %s", bytes / (1024 * 1024), stop.getString("lsn")));
            }
        } catch (SQLException e) {
            throw new ClusterException("Backup of " + primary.name() + " for " + standby.name() + " failed: " + e.getMessage(), e);
        }
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
