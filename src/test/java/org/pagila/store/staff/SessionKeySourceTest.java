package org.pagila.store.staff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionKeySourceTest {

    @Test
    void theKeyIsMadeOnceKeptPrivateAndReadBackAtTheNextStart(@TempDir Path clusterDir) throws Exception {
        String first = SessionKeySource.keyIn(clusterDir);
        Path file = clusterDir.resolve(SessionKeySource.FILE_NAME);

        assertTrue(first.length() >= 16, "Quarkus wants at least 16 characters");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(first, SessionKeySource.keyIn(clusterDir), "a restart keeps the staff signed in");
        try (var files = Files.list(clusterDir)) {
            assertEquals(1, files.count(), "no temporary file is left behind");
        }
    }

    @Test
    void beforeTheClusterFolderExistsTheKeyLivesInMemoryOnly(@TempDir Path home) {
        Path notYet = home.resolve("dev");

        String key = SessionKeySource.keyIn(notYet);

        assertTrue(key.length() >= 16);
        assertFalse(Files.exists(notYet), "the store does not make the cluster's folder: `up` does");
        assertNotEquals(key, SessionKeySource.keyIn(notYet));
    }

    @Test
    void aDamagedKeyFileIsReplaced(@TempDir Path clusterDir) throws Exception {
        Files.writeString(clusterDir.resolve(SessionKeySource.FILE_NAME), "short\n");

        String key = SessionKeySource.keyIn(clusterDir);

        assertTrue(key.length() >= 16, key);
        assertEquals(key, Files.readString(clusterDir.resolve(SessionKeySource.FILE_NAME)).strip());
    }
}
