package org.pagila.cluster.secrets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Takes a cluster's admin-secrets.properties (the superuser's and the replicator's passwords) away while a test shows
 * that something works without it, e.g. a backup; puts it back on close. Nothing can read the superuser's password
 * meanwhile, so a backup that still needed it would fail ("No password for postgres", or a failed login).
 */
public final class HiddenAdminFile implements AutoCloseable {
    private final Path admin;
    private final Path hidden;

    private HiddenAdminFile(Path admin, Path hidden) {
        this.admin = admin;
        this.hidden = hidden;
    }

    public static HiddenAdminFile of(Path secretsFile) {
        Path admin = Secrets.adminFile(secretsFile);
        Path hidden = admin.resolveSibling(admin.getFileName() + ".hidden-by-test");
        try {
            Files.move(admin, hidden, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot hide " + admin, e);
        }
        return new HiddenAdminFile(admin, hidden);
    }

    @Override
    public void close() {
        try {
            Files.move(hidden, admin, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot put " + admin + " back", e);
        }
    }
}
