package org.pagila.store.cluster;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** Which failures of a write mean "no primary now" (503, look again) and which are the write's own (passed on). */
class PrimaryUnavailableTest {

    private static RuntimeException wrapped(Throwable cause) {
        return new RuntimeException("persisting the rental", new IllegalStateException("flush", cause));
    }

    @Test
    void connectionFailuresShutdownsAndADemotedPrimaryMeanNoPrimary() {
        assertTrue(PrimaryWrites.isPrimaryUnavailable(wrapped(new SQLException("refused", "08001"))));
        assertTrue(PrimaryWrites.isPrimaryUnavailable(wrapped(new SQLException("I/O error", "08006"))));
        assertTrue(PrimaryWrites.isPrimaryUnavailable(wrapped(new SQLException("terminating connection", "57P01"))));
        assertTrue(PrimaryWrites.isPrimaryUnavailable(wrapped(new SQLException("read-only transaction", "25006"))));
        assertTrue(PrimaryWrites.isPrimaryUnavailable(wrapped(new SQLException(
                "Could not find a server with specified targetServerType: primary", "08001"))));
        assertTrue(PrimaryWrites.isPrimaryUnavailable(wrapped(new SocketTimeoutException("Read timed out"))));
        assertTrue(PrimaryWrites.isPrimaryUnavailable(wrapped(new ConnectException("Connection refused"))));
    }

    @Test
    void aWriteConnectionRefusedByTheFenceMeansNoPrimary() {
        assertTrue(PrimaryWrites.isPrimaryUnavailable(new SQLException("Exception during pool initialization: RuntimeException",
                new WriteFence.FencedNodeException("primary"))));
    }

    @Test
    void theWritesOwnFailuresAreNotAboutThePrimary() {
        assertFalse(PrimaryWrites.isPrimaryUnavailable(wrapped(new SQLException("duplicate key", "23505"))));
        assertFalse(PrimaryWrites.isPrimaryUnavailable(wrapped(new SQLException("check violation", "23514"))));
        assertFalse(PrimaryWrites.isPrimaryUnavailable(wrapped(new SQLException("no state"))));
        assertFalse(PrimaryWrites.isPrimaryUnavailable(new IllegalArgumentException("bad input")));
    }
}
