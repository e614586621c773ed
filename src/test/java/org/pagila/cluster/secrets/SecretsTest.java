package org.pagila.cluster.secrets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pagila.cluster.ClusterException;

/**
 * The secrets files: mode 600 from the first byte, no temporary files left, concurrent writers lose nothing, and the
 * tooling's logins kept apart from the file the store reads.
 */
class SecretsTest {

    @Test
    void createdWithMode600AndStable(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("secrets.properties");
        Secrets first = Secrets.loadOrCreate(file);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(Secrets.adminFile(file))));
        assertEquals(first.password(Secrets.SUPERUSER), Secrets.loadOrCreate(file).password(Secrets.SUPERUSER));
        try (var files = Files.list(dir)) {
            assertEquals(List.of("admin-secrets.properties", "admin-secrets.properties.lock", "secrets.properties", "secrets.properties.lock"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void theStoresFileNeverHoldsTheToolingsLogins(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("secrets.properties");
        // a cluster made before the split: every password in the one file
        Files.writeString(file, "postgres.password=old-super\nreplicator.password=old-repl\npagila_app.password=old-app\n"
                + "patroni.rest.password=old-rest\nstaff.Mike.password=mike\n");
        assertThrows(ClusterException.class, () -> Secrets.loadForStore(file).password(Secrets.SUPERUSER), "before the next up");
        assertEquals("old-super", Secrets.load(file).password(Secrets.SUPERUSER), "the tooling still finds it before the next up");
        Secrets upgraded = Secrets.loadOrCreate(file);
        assertEquals("old-super", upgraded.password(Secrets.SUPERUSER), "kept, not regenerated");
        assertEquals("old-rest", upgraded.get("patroni.rest.password"));
        assertEquals("old-app", Secrets.loadForStore(file).password(Secrets.APP_USER));
        String storeFile = Files.readString(file);
        assertFalse(storeFile.contains("old-super") || storeFile.contains("old-repl") || storeFile.contains("old-rest"), storeFile);
        assertTrue(storeFile.contains("staff.Mike.password=mike") && storeFile.contains(Secrets.OWNER_USER + ".password="), storeFile);
        assertTrue(Files.readString(Secrets.adminFile(file)).contains("old-super"));
        assertThrows(ClusterException.class, () -> Secrets.loadForStore(file).put("postgres.password", "x"));
    }

    @Test
    void concurrentPutsAreAllKept(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("secrets.properties");
        Secrets.loadOrCreate(file);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> writes = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                int n = i;
                writes.add(pool.submit(() -> Secrets.load(file).put("staff.user" + n + ".password", "value-" + n)));
            }
            for (Future<?> write : writes) {
                write.get();
            }
        } finally {
            pool.shutdown();
        }
        Secrets all = Secrets.load(file);
        for (int i = 0; i < 40; i++) {
            assertEquals("value-" + i, all.get("staff.user" + i + ".password"), "write " + i + " kept");
        }
        assertNotNull(all.password(Secrets.APP_USER));
        assertTrue(Files.isRegularFile(file));
    }
}
