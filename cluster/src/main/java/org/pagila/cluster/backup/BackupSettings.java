package org.pagila.cluster.backup;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.ClusterSettings;

/**
 * Where backups and the WAL archive live and how long they are kept. Read through the same lookup as
 * ClusterSettings, so the command line (environment) and the store (MicroProfile Config) agree.
 *
 * @param dir         base backups ({@code base/<id>}) and the WAL archive ({@code wal/}); default: in the cluster's folder
 * @param keep        how many base backups retention keeps (K)
 * @param walWait     how long a backup waits for the WAL it needs to reach the archive
 * @param maxReadLag  a standby lagging more than this is never a backup source (the store's read-lag bound)
 */
public record BackupSettings(ClusterSettings cluster, Path dir, int keep, Duration walWait, Duration maxReadLag,
                             Duration archiveTimeout) {

    public static BackupSettings from(ClusterSettings cluster, Function<String, Optional<String>> lookup) {
        Path dir = lookup.apply("pagila.backup.dir").map(Path::of).orElse(cluster.clusterDir().resolve("backups"));
        int keep = lookup.apply("pagila.backup.keep").map(BackupSettings::parseKeep).orElse(3);
        return new BackupSettings(cluster, dir.toAbsolutePath(), keep,
                lookup.apply("pagila.backup.wal-wait").map(BackupSettings::duration).orElse(Duration.ofSeconds(60)),
                lookup.apply("pagila.cluster.max-read-lag").map(BackupSettings::duration).orElse(Duration.ofSeconds(30)),
                lookup.apply("pagila.backup.archive-timeout").map(BackupSettings::duration).orElse(Duration.ofSeconds(60)));
    }

    /** System properties, then the environment (pagila.backup.keep -> PAGILA_BACKUP_KEEP). */
    public static BackupSettings fromSystem(ClusterSettings cluster) {
        return from(cluster, key -> Optional.ofNullable(System.getProperty(key))
                .or(() -> Optional.ofNullable(System.getenv(key.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_"))))
                .filter(v -> !v.isBlank()));
    }

    public Path baseDir() {
        return dir.resolve("base");
    }

    public Path archiveDir() {
        return dir.resolve("wal");
    }

    public Path lockFile() {
        return dir.resolve("backup.lock");
    }

    public Path restoresDir() {
        return cluster.clusterDir().resolve("restores");
    }

    public BackupSettings withKeep(int newKeep) {
        return new BackupSettings(cluster, dir, newKeep, walWait, maxReadLag, archiveTimeout);
    }

    private static int parseKeep(String value) {
        try {
            int keep = Integer.parseInt(value.trim());
            if (keep >= 1) {
                return keep;
            }
        } catch (NumberFormatException e) {
            // falls through to the message
        }
        throw new ClusterException("pagila.backup.keep must be a whole number of at least 1, got: " + value);
    }

    /** "30s", "5m", "PT30S" or plain seconds. */
    static Duration duration(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        try {
            if (v.startsWith("pt")) {
                return Duration.parse(v.toUpperCase(Locale.ROOT));
            }
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            }
            if (v.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
            }
            if (v.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
            }
            if (v.endsWith("h")) {
                return Duration.ofHours(Long.parseLong(v.substring(0, v.length() - 1)));
            }
            return Duration.ofSeconds(Long.parseLong(v));
        } catch (RuntimeException e) {
            throw new ClusterException("Not a duration (e.g. 30s, 5m, PT30S): " + value);
        }
    }
}
