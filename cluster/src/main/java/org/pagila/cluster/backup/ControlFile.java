package org.pagila.cluster.backup;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.pagila.cluster.ClusterException;

/**
 * The two facts a switchover needs from a stopped server's global/pg_control: did it shut down cleanly, and where
 * is its last (shutdown) checkpoint. Read directly because the bundled binaries have no pg_controldata. Layout
 * (unchanged since PostgreSQL 9.x, little-endian on x86): system identifier (8 bytes), control version (4),
 * catalog version (4), state (4, padded to 8), time (8), checkPoint LSN (8) at offset 32.
 */
public record ControlFile(int state, long checkpointLsn) {
    public static final int SHUT_DOWN = 1;

    public static ControlFile read(Path dataDir) {
        try {
            byte[] bytes = Files.readAllBytes(dataDir.resolve("global/pg_control"));
            return parse(bytes);
        } catch (IOException e) {
            throw new ClusterException("Cannot read pg_control of " + dataDir + ": " + e.getMessage(), e);
        }
    }

    static ControlFile parse(byte[] bytes) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        return new ControlFile(buffer.getInt(16), buffer.getLong(32));
    }

    public boolean cleanlyShutDown() {
        return state == SHUT_DOWN;
    }

    public String checkpoint() {
        return WalNames.formatLsn(checkpointLsn);
    }
}
