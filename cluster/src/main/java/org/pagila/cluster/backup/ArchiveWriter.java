package org.pagila.cluster.backup;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.pagila.cluster.Progress;

/**
 * Writes a base backup as one gzip-compressed tar, hashing every file (SHA-256, into the manifest) and the
 * compressed stream itself. Files of a running server change while they are read: each is copied at the size it
 * had when the node's tar opened it, padded with zeros if it shrank (what pg_basebackup does); WAL replay repairs both.
 */
final class ArchiveWriter implements AutoCloseable {
    private final MessageDigest archiveDigest = sha256();
    private final CountingOutputStream counted;
    private final TarArchiveOutputStream tar;
    private final StringBuilder manifest = new StringBuilder();
    private final Progress progress;
    private long files;
    private long bytes;
    private long lastReport = System.nanoTime();

    ArchiveWriter(Path target, Progress progress) throws IOException {
        this.progress = progress;
        this.counted = new CountingOutputStream(new DigestOutputStream(new BufferedOutputStream(Files.newOutputStream(target), 1 << 16), archiveDigest));
        GZIPOutputStream gzip = new GZIPOutputStream(counted, 1 << 16) {
            {
                // the machine is small and shared: fast compression keeps a backup from hogging a core
                def.setLevel(Deflater.BEST_SPEED);
            }
        };
        this.tar = new TarArchiveOutputStream(gzip);
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    }

    /**
     * Adds a file of {@code size} bytes read from {@code in} (a member of the node's tar stream). A stream that ends
     * early is padded with zeros, as pg_basebackup pads a file that shrank while it was read; WAL replay repairs it.
     */
    void addStream(String name, long size, long modifiedMillis, InputStream in) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(size);
        entry.setMode(0600);
        entry.setModTime(modifiedMillis);
        tar.putArchiveEntry(entry);
        MessageDigest digest = sha256();
        byte[] buffer = new byte[1 << 16];
        long remaining = size;
        while (remaining > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, remaining));
            if (n < 0) {
                java.util.Arrays.fill(buffer, (byte) 0);
                n = (int) Math.min(buffer.length, remaining);
            }
            tar.write(buffer, 0, n);
            digest.update(buffer, 0, n);
            remaining -= n;
            bytes += n;
        }
        tar.closeArchiveEntry();
        record(name, digest);
    }

    void addBytes(String name, byte[] content) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(content.length);
        entry.setMode(0600);
        tar.putArchiveEntry(entry);
        tar.write(content);
        tar.closeArchiveEntry();
        MessageDigest digest = sha256();
        digest.update(content);
        bytes += content.length;
        record(name, digest);
    }

    void addDirectory(String name) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name.endsWith("/") ? name : name + "/");
        entry.setMode(0700);
        tar.putArchiveEntry(entry);
        tar.closeArchiveEntry();
    }

    private void record(String name, MessageDigest digest) {
        manifest.append(HexFormat.of().formatHex(digest.digest())).append("  ").append(name).append('\n');
        files++;
        if (System.nanoTime() - lastReport > 2_000_000_000L) {
            lastReport = System.nanoTime();
            report();
        }
    }

    void report() {
        progress.detail(String.format(Locale.ROOT, "%,d files, %.1f MB read, %.1f MB written", files, bytes / 1048576.0,
                counted.count / 1048576.0));
    }

    String manifest() {
        return manifest.toString();
    }

    long files() {
        return files;
    }

    long bytes() {
        return bytes;
    }

    /** Valid after close. */
    long compressedBytes() {
        return counted.count;
    }

    /** Valid after close. */
    String archiveSha256() {
        return HexFormat.of().formatHex(archiveDigest.digest());
    }

    @Override
    public void close() throws IOException {
        tar.close();
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final class CountingOutputStream extends java.io.FilterOutputStream {
        private long count;

        CountingOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }
}
