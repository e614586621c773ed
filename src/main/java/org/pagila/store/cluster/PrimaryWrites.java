package org.pagila.store.cluster;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.HeuristicMixedException;
import jakarta.transaction.RollbackException;
import jakarta.transaction.SystemException;
import java.sql.SQLException;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * The one door for writes. While the cluster has no primary a write is refused at once; otherwise it runs
 * under the fault-tolerance guard, which turns a primary that dies or freezes mid-request into a
 * read-only answer instead of a 500 or a hang. Callers resolve request-scoped values (the signed-in staff
 * member) before they hand the write over: it runs on a worker thread.
 */
@ApplicationScoped
public class PrimaryWrites {

    @Inject
    ClusterState cluster;

    @Inject
    GuardedWrite guarded;

    @SuppressWarnings("unchecked")
    public <T> T execute(Supplier<T> write) {
        if (!cluster.isWritable()) {
            throw new ReadOnlyException();
        }
        try {
            return (T) guarded.call(() -> {
                try {
                    return write.get();
                } catch (RuntimeException e) {
                    if (failedAtCommit(e)) {
                        // asked to commit, the primary may have done so before it failed: say so, never a 500
                        if (isPrimaryUnavailable(e)) {
                            cluster.primaryLost();
                        }
                        throw new WriteOutcomeUnknown();
                    }
                    if (isPrimaryUnavailable(e)) {
                        throw new PrimaryUnavailableException("The primary is unavailable: " + e.getMessage(), e);
                    }
                    throw e;
                }
            }).toCompletableFuture().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }


    /**
     * The transaction manager could not complete the commit (a @Transactional method rethrows its checked
     * RollbackException or HeuristicMixedException wrapped by Arc, as the method does not declare them): seen when the
     * Patroni leader crashed under a rental. Whether the primary made the commit durable first is unknown here. Not
     * unknown: a rollback the server itself reported (a SQLSTATE other than a lost connection or a shutdown in the
     * chain), and a SystemException that is not about the primary (it may come from begin or rollback, not commit).
     */
    static boolean failedAtCommit(Throwable failure) {
        boolean commitFailed = false;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof RollbackException || t instanceof HeuristicMixedException) {
                commitFailed = true;
            } else if (t instanceof SystemException) {
                commitFailed = commitFailed || isPrimaryUnavailable(failure);
            } else if (t instanceof SQLException sql && sql.getSQLState() != null && !lostOrShutDown(sql.getSQLState())) {
                return false;
            }
        }
        return commitFailed;
    }

    /** SQLSTATE class 08 (the connection failed) or 57P (the server is shutting down or was shut down). */
    private static boolean lostOrShutDown(String sqlState) {
        return sqlState.startsWith("08") || sqlState.startsWith("57P");
    }

    /**
     * Connection failures (SQLSTATE class 08), a server shutting down (57P01..57P03), a demoted primary refusing
     * writes (25006), a pool that could not find a primary at all, or one that could not hand out a connection in
     * time (Agroal's acquisition timeout, which also interrupts the connection it was still opening): all "no primary
     * now, retry", a 503, never a 500.
     */
    static boolean isPrimaryUnavailable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                String state = sql.getSQLState();
                if (state != null && (lostOrShutDown(state) || state.equals("25006"))) {
                    return true;
                }
                if (sql.getMessage() != null && (sql.getMessage().contains("targetServerType")
                        || sql.getMessage().contains("Acquisition timeout"))) {
                    return true;
                }
            }
            if (t instanceof java.net.SocketTimeoutException || t instanceof java.net.ConnectException
                    || t instanceof InterruptedException) {
                return true;
            }
        }
        return false;
    }
}
