package org.pagila.cluster.backup;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The archive_command's script, run by sh on real files: no overwrite, except past a timeline fork. */
class WalArchiveScriptTest {
    private static final String SEGMENT_TL2 = "000000020000000000000006";

    @TempDir
    Path tmp;
    private Path archive;
    private Path script;

    @BeforeEach
    void writeScript() throws IOException {
        archive = Files.createDirectories(tmp.resolve("wal"));
        script = tmp.resolve(WalArchive.SCRIPT);
        Files.writeString(script, WalArchive.script(archive));
    }

    @Test
    void archivesANewSegmentAndAcceptsTheSameBytesAgain() throws Exception {
        Path wal = node("a", SEGMENT_TL2, "same");
        assertEquals(0, archive(wal));
        assertEquals(0, archive(wal));
        assertArrayEquals("same".getBytes(), Files.readAllBytes(archive.resolve(SEGMENT_TL2)));
    }

    @Test
    void refusesDifferentBytesOnTheNewestTimeline() throws Exception {
        assertEquals(0, archive(node("a", SEGMENT_TL2, "first")));
        Files.writeString(archive.resolve("00000002.history"), "1\t0/6000000\tno recovery target specified\n");
        assertEquals(1, archive(node("b", SEGMENT_TL2, "second")));
        assertArrayEquals("first".getBytes(), Files.readAllBytes(archive.resolve(SEGMENT_TL2)));
    }

    @Test
    void keepsTheArchivedCopyOfASegmentALaterTimelineForkedFrom() throws Exception {
        assertEquals(0, archive(node("a", SEGMENT_TL2, "first")));
        Files.writeString(archive.resolve("0000000A.history"), "2\t0/6000100\tno recovery target specified\n");
        assertEquals(0, archive(node("b", SEGMENT_TL2, "second")), "the archiver must not stall on it");
        assertArrayEquals("first".getBytes(), Files.readAllBytes(archive.resolve(SEGMENT_TL2)));
    }

    @Test
    void neverAcceptsADifferentHistoryOrPartialFile() throws Exception {
        Files.writeString(archive.resolve("00000009.history"), "later timeline\n");
        for (String name : new String[] {"00000003.history", SEGMENT_TL2 + ".partial"}) {
            assertEquals(0, archive(node("a", name, "first")));
            assertEquals(1, archive(node("b", name, "second")), name);
        }
    }

    private Path node(String node, String name, String bytes) throws IOException {
        Path file = Files.createDirectories(tmp.resolve(node)).resolve(name);
        Files.writeString(file, bytes);
        return file;
    }

    private int archive(Path wal) throws Exception {
        Process p = new ProcessBuilder("sh", script.toString(), wal.toString(), wal.getFileName().toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return p.waitFor();
    }
}
