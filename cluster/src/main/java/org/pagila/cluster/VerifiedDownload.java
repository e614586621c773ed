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
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/**
 * A file fetched over HTTPS that is used only when its SHA-256 matches the expected one: downloaded beside the
 * target, checked, then moved into place. A present file that already matches is not fetched again.
 */
public final class VerifiedDownload {
    private VerifiedDownload() {
    }

    /** Returns true when it downloaded, false when the target was already there and matched. */
    public static boolean fetch(URI url, Path target, String expectedSha256, Progress progress) {
        if (Files.exists(target) && sha256(target).equals(expectedSha256)) {
            progress.detail(target.getFileName() + " present, SHA-256 matches");
            return false;
        }
        Path partial = target.resolveSibling(target.getFileName() + ".partial");
        progress.detail("downloading " + url);
        try {
            Files.createDirectories(target.toAbsolutePath().getParent());
            HttpResponse<Path> response = http().send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofFile(partial));
            if (response.statusCode() != 200) {
                Files.deleteIfExists(partial);
                throw new ClusterException("Download of " + url + " failed: HTTP " + response.statusCode());
            }
            String actual = sha256(partial);
            if (!actual.equals(expectedSha256)) {
                Files.deleteIfExists(partial);
                throw new ClusterException("The SHA-256 of " + url + " is " + actual + ", expected " + expectedSha256 + ": not used");
            }
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
            progress.detail("SHA-256 " + actual + " matches");
            return true;
        } catch (IOException e) {
            throw new ClusterException("Cannot download " + url + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("Interrupted while downloading " + url, e);
        }
    }

    /** A small text (a checksum list). */
    public static String text(URI url) {
        try {
            HttpResponse<String> response = http().send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new ClusterException("Cannot read " + url + ": HTTP " + response.statusCode());
            }
            return response.body();
        } catch (IOException e) {
            throw new ClusterException("Cannot read " + url + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("Interrupted while reading " + url, e);
        }
    }

    public static String sha256(Path file) {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new ClusterException("Cannot checksum " + file + ": " + e.getMessage(), e);
        }
    }

    private static HttpClient http() {
        return HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(Duration.ofSeconds(20)).build();
    }
}
