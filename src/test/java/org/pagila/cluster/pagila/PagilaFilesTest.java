package org.pagila.cluster.pagila;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.Progress;

/** The Pagila files: bundled and verified, or from PAGILA_DIR and verified; never a wrong file. No cluster. */
class PagilaFilesTest {

    @Test
    void theBundledFilesAreTheRealOnesWithTheirLicence() throws Exception {
        PagilaFiles bundled = new PagilaFiles(Optional.empty(), Progress.quiet());
        for (PagilaFiles.File file : PagilaFiles.File.values()) {
            byte[] bytes = bundled.read(file);
            assertEquals(file.sha256, PagilaFiles.sha256(bytes), file.fileName);
        }
        try (InputStream licence = PagilaFiles.class.getResourceAsStream("LICENSE.txt")) {
            assertTrue(licence != null, "Pagila's MIT licence ships with its files");
            String text = new String(licence.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(text.contains("Permission is hereby granted, free of charge"), text);
        }
    }

    @Test
    void aFileWithTheWrongChecksumIsRefusedWithAClearMessage(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("pagila-schema.sql"), "-- not the real schema\nDROP TABLE film;\n");
        PagilaFiles files = new PagilaFiles(Optional.of(dir), Progress.quiet());
        ClusterException refused = assertThrows(ClusterException.class, () -> files.read(PagilaFiles.File.SCHEMA));
        assertTrue(refused.getMessage().contains("Refusing to load"), refused.getMessage());
        assertTrue(refused.getMessage().contains(PagilaFiles.File.SCHEMA.sha256), refused.getMessage());
    }

    @Test
    void aPagilaDirWithoutTheFileSaysSo(@TempDir Path dir) {
        ClusterException missing = assertThrows(ClusterException.class,
                () -> new PagilaFiles(Optional.of(dir), Progress.quiet()).read(PagilaFiles.File.DATA));
        assertTrue(missing.getMessage().contains("has no pagila-data.sql"), missing.getMessage());
    }

    @Test
    void aPagilaDirWithTheRealFilesGivesTheSameBytes(@TempDir Path dir) throws Exception {
        PagilaFiles bundled = new PagilaFiles(Optional.empty(), Progress.quiet());
        byte[] schema = bundled.read(PagilaFiles.File.SCHEMA);
        Files.write(dir.resolve("pagila-schema.sql"), schema);
        assertArrayEquals(schema, new PagilaFiles(Optional.of(dir), Progress.quiet()).read(PagilaFiles.File.SCHEMA));
    }
}
