package org.pagila.cluster.backup;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.Progress;

/**
 * Proves a backup is restorable before anyone relies on it: the archive's SHA-256 matches the one recorded when
 * it was written, every file in it matches its manifest line (none missing, none extra), and every WAL segment
 * from the backup's start to its stop is in the archive. The same pass can unpack it, so a restore never uses a
 * file it has not checked.
 */
public final class BackupVerifier {
    private final WalArchive archive;
    private final Progress progress;

    public BackupVerifier(BackupSettings settings, Progress progress) {
        this.archive = new WalArchive(settings);
        this.progress = progress;
    }

    /** Verifies and records the outcome in the backup's folder; never throws for a bad backup, only reports. */
    public BackupInfo verifyAndRecord(BackupInfo backup) {
        try {
            check(backup, Optional.empty());
            return backup.withVerification(new BackupInfo.Verification(Instant.now(), true,
                    backup.files() + " files and WAL " + backup.startWal() + ".." + backup.stopWal() + " checked"));
        } catch (ClusterException e) {
            return backup.withVerification(new BackupInfo.Verification(Instant.now(), false, e.getMessage()));
        }
    }

    /** Checks the backup (and unpacks it into {@code target} if given); throws naming the first problem. */
    public void check(BackupInfo backup, Optional<Path> target) {
        String actual = sha256(backup.archive());
        if (!actual.equals(backup.archiveSha256())) {
            throw new ClusterException("Backup " + backup.id() + " is corrupted: " + BackupInfo.ARCHIVE + " has SHA-256 "
                    + actual + ", recorded " + backup.archiveSha256() + ". Not using it.");
        }
        Map<String, String> expected = manifest(backup);
        List<String> seen = new ArrayList<>();
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(backup.archive()), 1 << 16);
             TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(raw, 1 << 16))) {
            TarArchiveEntry entry;
            byte[] buffer = new byte[1 << 16];
            while ((entry = tar.getNextEntry()) != null) {
                Path out = target.isPresent() ? target.get().resolve(entry.getName()).normalize() : null;
                if (out != null && !out.startsWith(target.get())) {
                    throw new ClusterException("Backup " + backup.id() + " holds a path outside its folder: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    if (out != null) {
                        Files.createDirectories(out);
                    }
                    continue;
                }
                MessageDigest digest = ArchiveWriter.sha256();
                try (OutputStream sink = out == null ? OutputStream.nullOutputStream() : newFile(out)) {
                    int n;
                    while ((n = tar.read(buffer)) > 0) {
                        digest.update(buffer, 0, n);
                        sink.write(buffer, 0, n);
                    }
                }
                String sum = HexFormat.of().formatHex(digest.digest());
                String want = expected.get(entry.getName());
                if (want == null) {
                    throw new ClusterException("Backup " + backup.id() + " holds " + entry.getName() + ", which its manifest does not list.");
                }
                if (!want.equals(sum)) {
                    throw new ClusterException("Backup " + backup.id() + " is corrupted: " + entry.getName() + " has SHA-256 " + sum
                            + ", the manifest says " + want + ".");
                }
                seen.add(entry.getName());
            }
        } catch (IOException e) {
            throw new ClusterException("Backup " + backup.id() + " cannot be read (" + e.getMessage() + "): corrupted or truncated.", e);
        }
        if (seen.size() != expected.size()) {
            List<String> missing = expected.keySet().stream().filter(n -> !seen.contains(n)).limit(5).toList();
            throw new ClusterException("Backup " + backup.id() + " lacks files its manifest lists: " + missing);
        }
        checkWal(backup);
        progress.detail("verified " + backup.id() + ": SHA-256 of the archive and of " + seen.size()
                + " files match; WAL " + backup.startWal() + " .. " + backup.stopWal() + " archived");
    }

    private void checkWal(BackupInfo backup) {
        long first = WalNames.segmentNumberOf(backup.startWal(), backup.segmentSize()).orElseThrow();
        long last = WalNames.segmentNumberOf(backup.stopWal(), backup.segmentSize()).orElseThrow();
        for (long segment = first; segment <= last; segment++) {
            String name = WalNames.segmentName(backup.timeline(), segment, backup.segmentSize());
            if (!archive.has(name)) {
                throw new ClusterException("Backup " + backup.id() + " needs WAL " + name + ", which is not in the archive.");
            }
        }
    }

    private static OutputStream newFile(Path out) throws IOException {
        Files.createDirectories(out.getParent());
        return new java.io.BufferedOutputStream(Files.newOutputStream(out), 1 << 16);
    }

    private static Map<String, String> manifest(BackupInfo backup) {
        Map<String, String> sums = new HashMap<>();
        try {
            for (String line : Files.readAllLines(backup.manifest())) {
                int gap = line.indexOf("  ");
                if (gap == 64) {
                    sums.put(line.substring(gap + 2), line.substring(0, gap));
                }
            }
        } catch (IOException e) {
            throw new ClusterException("Backup " + backup.id() + " has no readable manifest: " + e.getMessage(), e);
        }
        return sums;
    }

    static String sha256(Path file) {
        MessageDigest digest = ArchiveWriter.sha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new ClusterException("Cannot read " + file + ": " + e.getMessage(), e);
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
