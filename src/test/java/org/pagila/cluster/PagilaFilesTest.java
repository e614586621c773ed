package org.pagila.cluster;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PagilaFilesTest {

    @Test
    void aFileWithTheWrongChecksumIsRefusedWithAClearMessage(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("pagila-schema.sql"), "-- not the real schema\nDROP TABLE film;\n");
        PagilaFiles files = new PagilaFiles(Optional.of(dir), dir.resolve("cache"), Progress.quiet());
        ClusterException refused = assertThrows(ClusterException.class, () -> files.get(PagilaFiles.File.SCHEMA));
        assertTrue(refused.getMessage().contains("Refusing to load"), refused.getMessage());
        assertTrue(refused.getMessage().contains(PagilaFiles.File.SCHEMA.sha256), refused.getMessage());
    }

    @Test
    void theRealFilesPass() {
        String dir = System.getenv("PAGILA_DIR");
        org.junit.jupiter.api.Assumptions.assumeTrue(dir != null, "PAGILA_DIR not set");
        PagilaFiles files = new PagilaFiles(Optional.of(Path.of(dir)), Path.of(dir), Progress.quiet());
        assertTrue(Files.isRegularFile(files.get(PagilaFiles.File.SCHEMA)));
        assertTrue(Files.isRegularFile(files.get(PagilaFiles.File.DATA)));
    }
}
