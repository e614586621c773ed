package org.pagila.cluster.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.Redaction;

/** Real processes: the timeout fires while the command still holds its output open; input goes over stdin. */
class ShellTest {

    @Test
    void aCommandThatHangsWithItsOutputOpenIsKilledAtTheTimeout() {
        long start = System.nanoTime();
        ClusterException e = assertThrows(ClusterException.class,
                () -> Shell.exec(List.of("sh", "-c", "echo started; sleep 60"), Map.of(), 1));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(seconds < 15, "the timeout fired after " + seconds + " s, not after the command's 60 s");
        assertTrue(e.getMessage().contains("Timed out after 1 s") && e.getMessage().contains("started"), e.getMessage());
    }

    @Test
    void stdinReachesTheCommandAndOutputIsKept() {
        Shell.Result result = Shell.exec(List.of("sh", "-c", "cat; echo; echo done >&2"), Map.of(),
                "from stdin".getBytes(StandardCharsets.UTF_8), 10);
        assertEquals(0, result.exitCode());
        assertEquals("from stdin\ndone", result.output());
    }

    @Test
    void aLargeOutputDoesNotBlockTheCommand() {
        Shell.Result result = Shell.exec(List.of("sh", "-c", "head -c 3000000 /dev/zero | tr '\\0' x"), Map.of(), 20);
        assertEquals(3_000_000, result.output().length());
    }

    @Test
    void errorMessagesMaskRegisteredSecrets() {
        String secret = "s3cr3t-" + System.nanoTime();
        Redaction.register(secret);
        ClusterException e = assertThrows(ClusterException.class, () -> Shell.run(List.of("sh", "-c", "echo " + secret + "; exit 3")));
        assertFalse(e.getMessage().contains(secret), e.getMessage());
        assertTrue(e.getMessage().contains("********"), e.getMessage());
    }
}
