package org.pagila.cluster.backup;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;
import org.pagila.cluster.ClusterException;

/**
 * One base backup as recorded in its {@code backup.properties}: where and when it was taken, the WAL range it
 * needs (start to stop) and what the archive file's checksum is. Verification writes {@code verified.properties}.
 */
public record BackupInfo(String id, Path dir, String takenFrom, String sourceRole, Instant startTime, Instant endTime,
                         String startLsn, String stopLsn, int timeline, String startWal, String stopWal, long segmentSize,
                         long files, long bytes, long compressedBytes, String archiveSha256, String serverVersion,
                         Optional<Verification> verification) {

    public static final String ARCHIVE = "base.tar.gz";
    public static final String MANIFEST = "manifest.sha256";
    static final String PROPERTIES = "backup.properties";
    static final String VERIFIED = "verified.properties";

    public record Verification(Instant at, boolean ok, String message) {
    }

    public boolean verified() {
        return verification.map(Verification::ok).orElse(false);
    }

    public Path archive() {
        return dir.resolve(ARCHIVE);
    }

    public Path manifest() {
        return dir.resolve(MANIFEST);
    }

    public long stopLsnBytes() {
        return WalNames.parseLsn(stopLsn);
    }

    public static BackupInfo read(Path dir) {
        Properties p = load(dir.resolve(PROPERTIES));
        Optional<Verification> verification = Optional.empty();
        if (Files.isRegularFile(dir.resolve(VERIFIED))) {
            Properties v = load(dir.resolve(VERIFIED));
            verification = Optional.of(new Verification(Instant.parse(v.getProperty("at")),
                    Boolean.parseBoolean(v.getProperty("ok")), v.getProperty("message", "")));
        }
        return new BackupInfo(p.getProperty("id"), dir, p.getProperty("taken-from"), p.getProperty("source-role"),
                Instant.parse(p.getProperty("start-time")), Instant.parse(p.getProperty("end-time")),
                p.getProperty("start-lsn"), p.getProperty("stop-lsn"), Integer.parseInt(p.getProperty("timeline")),
                p.getProperty("start-wal"), p.getProperty("stop-wal"), Long.parseLong(p.getProperty("segment-size")),
                Long.parseLong(p.getProperty("files")), Long.parseLong(p.getProperty("bytes")),
                Long.parseLong(p.getProperty("compressed-bytes")), p.getProperty("archive-sha256"),
                p.getProperty("server-version", "?"), verification);
    }

    /** Written last into the backup's folder: its presence marks the backup complete. */
    public void write() {
        Properties p = new Properties();
        p.setProperty("id", id);
        p.setProperty("taken-from", takenFrom);
        p.setProperty("source-role", sourceRole);
        p.setProperty("start-time", startTime.toString());
        p.setProperty("end-time", endTime.toString());
        p.setProperty("start-lsn", startLsn);
        p.setProperty("stop-lsn", stopLsn);
        p.setProperty("timeline", String.valueOf(timeline));
        p.setProperty("start-wal", startWal);
        p.setProperty("stop-wal", stopWal);
        p.setProperty("segment-size", String.valueOf(segmentSize));
        p.setProperty("files", String.valueOf(files));
        p.setProperty("bytes", String.valueOf(bytes));
        p.setProperty("compressed-bytes", String.valueOf(compressedBytes));
        p.setProperty("archive-sha256", archiveSha256);
        p.setProperty("server-version", serverVersion);
        store(p, dir.resolve(PROPERTIES), "Pagila Store base backup");
    }

    public BackupInfo withVerification(Verification v) {
        Properties p = new Properties();
        p.setProperty("at", v.at().toString());
        p.setProperty("ok", String.valueOf(v.ok()));
        p.setProperty("message", v.message());
        store(p, dir.resolve(VERIFIED), "verification of backup " + id);
        return new BackupInfo(id, dir, takenFrom, sourceRole, startTime, endTime, startLsn, stopLsn, timeline, startWal,
                stopWal, segmentSize, files, bytes, compressedBytes, archiveSha256, serverVersion, Optional.of(v));
    }

    public static boolean isComplete(Path dir) {
        return Files.isRegularFile(dir.resolve(PROPERTIES));
    }

    private static Properties load(Path file) {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            p.load(in);
            return p;
        } catch (IOException e) {
            throw new ClusterException("Cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Temporary file, then rename: a crash never leaves half a properties file. */
    private static void store(Properties p, Path file, String comment) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (Writer out = Files.newBufferedWriter(tmp)) {
            p.store(out, comment);
        } catch (IOException e) {
            throw new ClusterException("Cannot write " + file + ": " + e.getMessage(), e);
        }
        try {
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new ClusterException("Cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
