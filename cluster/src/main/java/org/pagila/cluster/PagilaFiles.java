package org.pagila.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The Pagila v3.1.0 schema and data: from PAGILA_DIR when set, otherwise downloaded once from the pinned
 * upstream commit into a cache. Either way each file must match its published SHA-256 before it is loaded.
 */
public final class PagilaFiles {
    public static final String VERSION = "3.1.0";
    static final String COMMIT = "fef9675714cfba1756df4719b5e36075a7ddf90e";
    static final String BASE_URL = "https://raw.githubusercontent.com/devrimgunduz/pagila/" + COMMIT + "/";

    public enum File {
        SCHEMA("pagila-schema.sql", "8ce358e4c8014087b85296694a0893887bd7a4190e3ce407f2721b86b98e5707"),
        DATA("pagila-data.sql", "fb81bec377687c83e11d2a24916ae28656d85550bf0ada798305bf7e2af9823b");

        public final String fileName;
        public final String sha256;

        File(String fileName, String sha256) {
            this.fileName = fileName;
            this.sha256 = sha256;
        }
    }

    private final Optional<Path> pagilaDir;
    private final Path cacheDir;
    private final Progress progress;

    public PagilaFiles(Optional<Path> pagilaDir, Path cacheDir, Progress progress) {
        this.pagilaDir = pagilaDir.or(() -> Optional.ofNullable(System.getenv("PAGILA_DIR")).filter(s -> !s.isBlank()).map(Path::of));
        this.cacheDir = cacheDir;
        this.progress = progress;
    }

    /** The verified file, ready to load. */
    public Path get(File file) {
        if (pagilaDir.isPresent()) {
            Path path = pagilaDir.get().resolve(file.fileName);
            if (!Files.isRegularFile(path)) {
                throw new ClusterException("PAGILA_DIR=" + pagilaDir.get() + " has no " + file.fileName);
            }
            verify(path, file);
            progress.detail(file.fileName + " from " + pagilaDir.get() + " (SHA-256 verified)");
            return path;
        }
        Path cached = cacheDir.resolve(file.fileName);
        if (!Files.isRegularFile(cached)) {
            download(file, cached);
        }
        verify(cached, file);
        progress.detail(file.fileName + " from cache " + cacheDir + " (SHA-256 verified)");
        return cached;
    }

    /** Fails with a message naming the file and both sums unless the file's SHA-256 is the pinned one. */
    public static void verify(Path path, File file) {
        String actual = sha256(path);
        if (!actual.equals(file.sha256)) {
            throw new ClusterException("Refusing to load " + path + ": its SHA-256 is " + actual + " but Pagila v" + VERSION
                    + " " + file.fileName + " has " + file.sha256 + ". Point PAGILA_DIR at the v" + VERSION
                    + " files, or delete the file to download it again.");
        }
    }

    static String sha256(Path path) {
        try (InputStream in = Files.newInputStream(path)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new ClusterException("Cannot read " + path + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void download(File file, Path target) {
        URI uri = URI.create(BASE_URL + file.fileName);
        progress.detail("downloading " + uri);
        try {
            Files.createDirectories(target.getParent());
            Path partial = target.resolveSibling(file.fileName + ".partial");
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20))
                    .followRedirects(HttpClient.Redirect.NORMAL).build();
            HttpResponse<Path> response = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(5)).build(),
                    HttpResponse.BodyHandlers.ofFile(partial));
            if (response.statusCode() != 200) {
                Files.deleteIfExists(partial);
                throw new ClusterException("Download of " + uri + " failed with HTTP " + response.statusCode());
            }
            verify(partial, file);
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new ClusterException("Cannot download " + uri + " (" + e
                    + "). Without network access, set PAGILA_DIR to a folder holding the Pagila v" + VERSION + " files.", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("Interrupted while downloading " + uri, e);
        }
    }
}
