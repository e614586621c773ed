package org.pagila.cluster;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Properties;

/**
 * Passwords generated at the first bring-up and kept beside the cluster (mode 600), never in the repository.
 */
public final class Secrets {
    public static final String SUPERUSER = "postgres";
    public static final String REPLICATION_USER = "replicator";
    public static final String APP_USER = "pagila_app";

    private final Path file;
    private final Properties values;

    private Secrets(Path file, Properties values) {
        this.file = file;
        this.values = values;
    }

    public static Secrets loadOrCreate(Path file) {
        Properties values = read(file);
        boolean changed = false;
        for (String user : new String[] {SUPERUSER, REPLICATION_USER, APP_USER}) {
            if (values.getProperty(user + ".password") == null) {
                values.setProperty(user + ".password", generate());
                changed = true;
            }
        }
        Secrets secrets = new Secrets(file, values);
        if (changed) {
            secrets.save();
        }
        return secrets;
    }

    /** Reads an existing secrets file; fails if the cluster was never brought up. */
    public static Secrets load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ClusterException("No cluster secrets at " + file + ": bring the cluster up first");
        }
        return new Secrets(file, read(file));
    }

    public String password(String user) {
        String value = values.getProperty(user + ".password");
        if (value == null) {
            throw new ClusterException("No password for " + user + " in " + file);
        }
        return value;
    }

    public void put(String key, String value) {
        values.setProperty(key, value);
        save();
    }

    public String get(String key) {
        return values.getProperty(key);
    }

    public static String generate() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static Properties read(Path file) {
        Properties values = new Properties();
        if (Files.isRegularFile(file)) {
            try (Reader in = Files.newBufferedReader(file)) {
                values.load(in);
            } catch (IOException e) {
                throw new ClusterException("Cannot read " + file + ": " + e.getMessage(), e);
            }
        }
        return values;
    }

    private void save() {
        try {
            Files.createDirectories(file.getParent());
            if (!Files.exists(file)) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            try (Writer out = Files.newBufferedWriter(file)) {
                values.store(out, "Pagila Store cluster secrets: generated, never commit");
            }
        } catch (IOException e) {
            throw new ClusterException("Cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
