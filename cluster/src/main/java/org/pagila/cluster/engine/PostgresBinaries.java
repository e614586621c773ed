package org.pagila.cluster.engine;

import org.pagila.cluster.ClusterException;
import org.pagila.cluster.ClusterSettings;
import org.pagila.cluster.Progress;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * The PostgreSQL server programs: a local install the user points at (pagila.cluster.pg-bin / PG_BIN),
 * or the PostgreSQL 17 build that ships inside a Maven Central jar (initdb, pg_ctl and postgres only).
 */
public record PostgresBinaries(Path bin, String origin) {

    private static final String ARCHIVE = "postgres-linux-x86_64.txz";

    public static PostgresBinaries resolve(ClusterSettings settings, Progress progress) {
        Optional<Path> pgBin = localInstall(settings);
        if (pgBin.isPresent()) {
            Path bin = pgBin.get();
            if (!Files.isExecutable(bin.resolve("postgres")) || !Files.isExecutable(bin.resolve("pg_ctl"))) {
                throw new ClusterException("PG_BIN=" + bin + " has no postgres and pg_ctl programs");
            }
            return new PostgresBinaries(bin, "local install " + bin);
        }
        String version = bundledVersion();
        Path dir = settings.home().resolve("postgresql-" + version);
        Path bin = dir.resolve("bin");
        if (!Files.isExecutable(bin.resolve("postgres"))) {
            progress.detail("unpacking PostgreSQL " + version + " (Maven Central, zonky embedded binaries) to " + dir);
            unpack(dir);
        }
        return new PostgresBinaries(bin, "PostgreSQL " + version + " from Maven Central");
    }

    public Path program(String name) {
        return bin.resolve(name);
    }

    /** pg_basebackup and pg_rewind come with full installs only; the bundled build lacks them. */
    public boolean has(String program) {
        return Files.isExecutable(bin.resolve(program));
    }

    /** The version is in the jar's file name (the jar holds nothing else that names it). */
    /** The local install the user points at (pagila.cluster.pg-bin, else PG_BIN), if any: resolve takes it over the bundled build. */
    public static Optional<Path> localInstall(ClusterSettings settings) {
        return settings.pgBin().or(() -> Optional.ofNullable(System.getenv("PG_BIN")).map(Path::of));
    }

    /** The bundled build's version, e.g. 17.5, read from its jar without unpacking it. */
    public static String bundledVersion() {
        java.net.URL url = PostgresBinaries.class.getClassLoader().getResource(ARCHIVE);
        if (url == null) {
            throw new ClusterException("The PostgreSQL binaries jar is not on the classpath; set PG_BIN to a PostgreSQL bin directory");
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("binaries-linux-amd64-([0-9.]+)\\.jar").matcher(url.toString());
        return m.find() ? m.group(1) : "17";
    }

    private static void unpack(Path dir) {
        Path staging = dir.resolveSibling(dir.getFileName() + ".partial");
        try (InputStream raw = PostgresBinaries.class.getClassLoader().getResourceAsStream(ARCHIVE)) {
            if (raw == null) {
                throw new ClusterException("The PostgreSQL binaries jar is not on the classpath; set PG_BIN to a PostgreSQL bin directory");
            }
            deleteTree(staging);
            Files.createDirectories(staging);
            try (TarArchiveInputStream tar = new TarArchiveInputStream(new XZCompressorInputStream(new BufferedInputStream(raw)))) {
                TarArchiveEntry entry;
                while ((entry = tar.getNextEntry()) != null) {
                    Path target = staging.resolve(entry.getName()).normalize();
                    if (!target.startsWith(staging)) {
                        throw new ClusterException("Refusing archive entry outside its folder: " + entry.getName());
                    }
                    if (entry.isDirectory()) {
                        Files.createDirectories(target);
                    } else if (entry.isSymbolicLink()) {
                        Files.createDirectories(target.getParent());
                        Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
                    } else {
                        Files.createDirectories(target.getParent());
                        Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
                        boolean executable = (entry.getMode() & 0100) != 0;
                        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString(executable ? "rwxr-xr-x" : "rw-r--r--"));
                    }
                }
            }
            deleteTree(dir);
            Files.move(staging, dir);
        } catch (IOException e) {
            throw new ClusterException("Cannot unpack the PostgreSQL binaries into " + dir + ": " + e.getMessage(), e);
        }
    }

    public static void deleteTree(Path path) throws IOException {
        if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var walk = Files.walk(path)) {
            for (Path p : (Iterable<Path>) walk.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
