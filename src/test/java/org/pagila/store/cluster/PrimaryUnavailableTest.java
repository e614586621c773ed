package org.pagila.store.cluster;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.arc.ArcUndeclaredThrowableException;
import jakarta.transaction.HeuristicMixedException;
import jakarta.transaction.HeuristicRollbackException;
import jakarta.transaction.RollbackException;
import jakarta.transaction.SystemException;
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
    void aPoolThatCannotHandOutAConnectionInTimeMeansNoPrimaryNow() {
        assertTrue(PrimaryWrites.isPrimaryUnavailable(wrapped(new SQLException("Acquisition timeout while waiting for new connection"))));
        // the connection the pool was still opening when the acquisition timed out is interrupted
        assertTrue(PrimaryWrites.isPrimaryUnavailable(wrapped(new SQLException("creating a connection", new InterruptedException()))));
    }

    @Test
    void aWriteConnectionRefusedByTheFenceMeansNoPrimary() {
        assertTrue(PrimaryWrites.isPrimaryUnavailable(new SQLException("Exception during pool initialization: RuntimeException",
                new WriteFence.FencedNodeException("primary"))));
    }

    @Test
    void aCommitTheTransactionManagerCouldNotCompleteIsOneWhoseOutcomeIsUnknown() {
        // how a @Transactional method reports it: Arc wraps the checked exception its method does not declare
        assertTrue(PrimaryWrites.failedAtCommit(new ArcUndeclaredThrowableException(new RollbackException("ARJUNA016053"))));
        assertTrue(PrimaryWrites.failedAtCommit(new ArcUndeclaredThrowableException(new HeuristicMixedException())));
        assertTrue(PrimaryWrites.failedAtCommit(new ArcUndeclaredThrowableException(
                (RollbackException) new RollbackException("commit").initCause(new SQLException("I/O error", "08006")))));
        assertTrue(PrimaryWrites.failedAtCommit(new ArcUndeclaredThrowableException(
                (SystemException) new SystemException("commit").initCause(new SQLException("I/O error", "08006")))));
        // the transaction manager's own failure behind the rollback does not make the commit's outcome known
        assertTrue(PrimaryWrites.failedAtCommit(new ArcUndeclaredThrowableException(
                (RollbackException) new RollbackException("commit").initCause(new SystemException("resource")))));
    }

    @Test
    void aRollbackThatIsKnownIsNotAnUnknownOutcome() {
        // everything rolled back, by definition
        assertFalse(PrimaryWrites.failedAtCommit(new ArcUndeclaredThrowableException(new HeuristicRollbackException())));
        // the server refused the commit itself (a deferred constraint, a serialization failure): rolled back
        assertFalse(PrimaryWrites.failedAtCommit(new ArcUndeclaredThrowableException(
                (RollbackException) new RollbackException("commit").initCause(new SQLException("deferred check", "23505")))));
        // a SystemException not about the primary may come from begin or rollback: no commit was attempted
        assertFalse(PrimaryWrites.failedAtCommit(new ArcUndeclaredThrowableException(new SystemException("begin"))));
        assertFalse(PrimaryWrites.failedAtCommit(wrapped(new SQLException("I/O error", "08006"))), "before the commit: no primary");
        assertFalse(PrimaryWrites.failedAtCommit(wrapped(new SQLException("duplicate key", "23505"))));
    }

    @Test
    void theWritesOwnFailuresAreNotAboutThePrimary() {
        assertFalse(PrimaryWrites.isPrimaryUnavailable(wrapped(new SQLException("duplicate key", "23505"))));
        assertFalse(PrimaryWrites.isPrimaryUnavailable(wrapped(new SQLException("check violation", "23514"))));
        assertFalse(PrimaryWrites.isPrimaryUnavailable(wrapped(new SQLException("no state"))));
        assertFalse(PrimaryWrites.isPrimaryUnavailable(new IllegalArgumentException("bad input")));
    }
}
