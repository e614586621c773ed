package org.pagila.cluster.pagila;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.Progress;
import org.tukaani.xz.XZInputStream;

/**
 * The Pagila v3.1.0 schema and data (MIT licence, LICENSE.txt beside the files). They ship with the project,
 * xz-compressed, as resources of this package, so a fresh clone needs no network beyond the package registries.
 * PAGILA_DIR may point at a folder with the plain files instead. Either way the uncompressed bytes must match
 * the SHA-256 published for v3.1.0 before anything is loaded.
 */
public final class PagilaFiles {
    public static final String VERSION = "3.1.0";
    /** The upstream commit of tag pagila-v3.1.0 the bundled files come from (SOURCE.txt). */
    public static final String COMMIT = "fef9675714cfba1756df4719b5e36075a7ddf90e";

    public enum File {
        SCHEMA("pagila-schema.sql", "8ce358e4c8014087b85296694a0893887bd7a4190e3ce407f2721b86b98e5707"),
        DATA("pagila-data.sql", "fb81bec377687c83e11d2a24916ae28656d85550bf0ada798305bf7e2af9823b");

        public final String fileName;
        public final String sha256;

        File(String fileName, String sha256) {
            this.fileName = fileName;
            this.sha256 = sha256;
        }

        String resource() {
            return fileName + ".xz";
        }
    }

    private final Optional<Path> overrideDir;
    private final Progress progress;

    /** overrideDir: a folder with the plain v3.1.0 files (PAGILA_DIR); empty: the files bundled with the project. */
    public PagilaFiles(Optional<Path> overrideDir, Progress progress) {
        this.overrideDir = overrideDir;
        this.progress = progress;
    }

    /** PAGILA_DIR from the environment, for tools that read no other configuration. */
    public static Optional<Path> dirFromEnvironment() {
        return Optional.ofNullable(System.getenv("PAGILA_DIR")).filter(s -> !s.isBlank()).map(Path::of);
    }

    /** The whole file, uncompressed and verified: about 3 MB for the data, so memory is the simple place for it. */
    public byte[] read(File file) {
        if (overrideDir.isPresent()) {
            Path path = overrideDir.get().resolve(file.fileName);
            if (!Files.isRegularFile(path)) {
                throw new ClusterException("PAGILA_DIR=" + overrideDir.get() + " has no " + file.fileName
                        + ". Unset PAGILA_DIR to use the Pagila v" + VERSION + " files bundled with the project.");
            }
            byte[] bytes = readAll(path.toString(), () -> Files.newInputStream(path));
            verify(bytes, file, path.toString());
            progress.detail(file.fileName + " from " + overrideDir.get() + " (SHA-256 verified)");
            return bytes;
        }
        String where = "bundled " + file.resource();
        byte[] bytes = readAll(where, () -> {
            InputStream compressed = PagilaFiles.class.getResourceAsStream(file.resource());
            if (compressed == null) {
                throw new ClusterException("The build has no " + where + " (expected beside " + PagilaFiles.class.getName()
                        + "). Rebuild the project, or set PAGILA_DIR to a folder holding the Pagila v" + VERSION + " files.");
            }
            return new XZInputStream(compressed);
        });
        verify(bytes, file, where);
        progress.detail(file.fileName + " (bundled Pagila v" + VERSION + ", SHA-256 verified)");
        return bytes;
    }

    /** Fails with a message naming the file and both sums unless the bytes' SHA-256 is the pinned one. */
    static void verify(byte[] bytes, File file, String where) {
        String actual = sha256(bytes);
        if (!actual.equals(file.sha256)) {
            throw new ClusterException("Refusing to load " + where + ": its SHA-256 is " + actual + " but Pagila v" + VERSION
                    + " " + file.fileName + " has " + file.sha256 + ". Point PAGILA_DIR at the v" + VERSION
                    + " files, or unset it to use the files bundled with the project.");
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private interface Opener {
        InputStream open() throws IOException;
    }

    private static byte[] readAll(String where, Opener opener) {
        try (InputStream in = opener.open()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new ClusterException("Cannot read " + where + ": " + e.getMessage(), e);
        }
    }
}
