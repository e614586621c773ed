package org.pagila.cluster.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.ClusterSettings;
import org.pagila.cluster.cli.ClusterCli;
import picocli.CommandLine;

/** `cluster/pagila-cluster backup-timer DIR`: picocli's subcommand reaches BackupCli under its own name, arguments intact. */
class BackupCommandsTest {
    @TempDir
    Path dir;

    @Test
    void aBackupSubcommandIsDispatchedByTheNamePicocliMatched() throws Exception {
        assertEquals(0, new CommandLine(new ClusterCli()).execute("backup-timer", dir.toString(), "--every", "15"));
        try (var written = Files.list(dir)) {
            String all = String.join("\n", written.map(p -> p.getFileName() + ": " + read(p)).toList());
            assertTrue(all.contains("every 15 minutes"), "the timer files carry --every 15:\n" + all);
        }
    }

    @Test
    void aWordTheCommandDoesNotTakeIsRefusedBeforeTheClusterIsAsked() {
        ClusterSettings cluster = new ClusterSettings("words", dir, List.of(), Optional.empty(), Optional.empty());
        Supplier<BackupCluster> untouched = () -> {
            throw new AssertionError("the cluster must not be asked");
        };
        for (List<String> args : List.of(List.of("backup", "extra"), List.of("backup", "--from", "node1", "--help"),
                List.of("backups", "x"), List.of("archive-collect", "now"))) {
            ClusterException e = assertThrows(ClusterException.class, () -> BackupCli.run(cluster, untouched, args), args.toString());
            assertTrue(e.getMessage().startsWith(args.get(0) + " takes "), e.getMessage());
        }
    }

    @Test
    void aNumberThatIsNotOneSaysWhatItShouldBe() {
        assertEquals(15499, BackupCli.port("15499", "--port"));
        assertEquals("restore-stop PORT needs a port from 1 to 65535, not 'abc'",
                assertThrows(ClusterException.class, () -> BackupCli.port("abc", "restore-stop PORT")).getMessage());
        assertThrows(ClusterException.class, () -> BackupCli.port("0", "--port"));
        assertTrue(assertThrows(ClusterException.class, () -> BackupCli.minutes("abc")).getMessage().contains("--every 30"));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
