package org.pagila.store.web;

import jakarta.ws.rs.core.Response.Status;
import java.sql.SQLException;
import java.util.Locale;
import org.postgresql.util.PSQLException;

/**
 * What a database failure means to the person who asked, decided by SQLSTATE (never by the driver's message,
 * which is never shown): the database is away or busy (503, try again), the request held a value the
 * database cannot take (400), or a write contradicts a rule of the schema (409 with the rule in words).
 * Anything else is a bug of ours: 500 with an incident number.
 */
public record DatabaseFailure(Status status, String message, boolean retryLater, String sqlState) {

    public static DatabaseFailure of(Throwable failure, boolean write) {
        SQLException sql = sqlException(failure);
        String state = sql == null ? null : sql.getSQLState();
        if (state == null) {
            if (sql != null) {
                // no SQLSTATE: the pool could not hand out a connection (acquisition timeout, no primary found)
                return busy(write, null);
            }
            return new DatabaseFailure(Status.INTERNAL_SERVER_ERROR, null, false, null);
        }
        if (state.startsWith("08") || state.startsWith("57P") || state.startsWith("53") || state.equals("25006")) {
            return busy(write, state);
        }
        if (state.equals("55P03") || state.equals("40001") || state.equals("40P01") || state.equals("57014")) {
            return new DatabaseFailure(Status.SERVICE_UNAVAILABLE, write
                    ? "The records this change needs are busy with another change right now; nothing was saved. Please try again."
                    : "This list took too long to read right now. Please try again in a few seconds.", true, state);
        }
        if (state.startsWith("22")) {
            return new DatabaseFailure(Status.BAD_REQUEST,
                    "A value in this request cannot be stored or compared by the database (for example a number out of range).",
                    false, state);
        }
        if (state.startsWith("23")) {
            return new DatabaseFailure(Status.CONFLICT, "This change was refused: " + reason(state, constraint(sql)) + ".",
                    false, state);
        }
        return new DatabaseFailure(Status.INTERNAL_SERVER_ERROR, null, false, state);
    }

    private static DatabaseFailure busy(boolean write, String state) {
        return new DatabaseFailure(Status.SERVICE_UNAVAILABLE, write
                ? "The database could not take this change right now; please try again in a few seconds."
                : "The catalog cannot be read right now. Please try again in a few seconds.", true, state);
    }

    /** A schema rule in the counter's words; the constraint's name is ours (migrations), so it may be shown. */
    static String reason(String state, String constraint) {
        String rule = switch (state) {
            case "23503" -> "it refers to a record that does not exist or is still referred to";
            case "23505" -> "a record with the same key already exists";
            case "23514" -> "a value is outside what the store accepts";
            case "23502" -> "a required value is missing";
            default -> "it breaks a rule of the store's records";
        };
        return constraint == null ? rule : rule + " (" + constraint.toLowerCase(Locale.ROOT) + ")";
    }

    private static String constraint(SQLException sql) {
        if (sql instanceof PSQLException psql && psql.getServerErrorMessage() != null) {
            return psql.getServerErrorMessage().getConstraint();
        }
        return null;
    }

    /** The first SQLException with a SQLSTATE in the chain, else the first one at all. */
    static SQLException sqlException(Throwable failure) {
        SQLException first = null;
        for (Throwable t = failure; t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof SQLException sql) {
                if (sql.getSQLState() != null) {
                    return sql;
                }
                if (first == null) {
                    first = sql;
                }
            }
        }
        return first;
    }
}
