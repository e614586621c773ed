package org.pagila.cluster.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
