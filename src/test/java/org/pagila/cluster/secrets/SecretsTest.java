package org.pagila.cluster.secrets;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

/** The secrets file: mode 600 from the first byte, no temporary files left, concurrent writers lose nothing. */
class SecretsTest {

    @Test
    void createdWithMode600AndStable(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("secrets.properties");
        Secrets first = Secrets.loadOrCreate(file);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(first.password(Secrets.SUPERUSER), Secrets.loadOrCreate(file).password(Secrets.SUPERUSER));
        try (var files = Files.list(dir)) {
            assertEquals(List.of("secrets.properties", "secrets.properties.lock"), files.map(p -> p.getFileName().toString()).sorted().toList());
        }
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
