package org.pagila.store.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.persistence.PersistenceException;
import jakarta.ws.rs.core.Response.Status;
import java.sql.SQLException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Database failures map to answers by SQLSTATE, wherever the SQLException sits in the chain. */
class DatabaseFailureTest {

    @ParameterizedTest
    @CsvSource({
            "08006, false, 503", "08001, true, 503", "57P01, true, 503", "53300, false, 503", "25006, true, 503",
            "55P03, true, 503", "40P01, true, 503", "40001, true, 503", "57014, false, 503",
            "22021, false, 400", "22003, true, 400", "22P02, false, 400",
            "23505, true, 409", "23503, true, 409", "23514, true, 409",
            "42P01, false, 500", "XX000, true, 500"})
    void bySqlState(String state, boolean write, int status) {
        var wrapped = new PersistenceException("hibernate", new RuntimeException(new SQLException("driver text", state)));
        DatabaseFailure failure = DatabaseFailure.of(wrapped, write);
        assertEquals(status, failure.status().getStatusCode());
        assertEquals(state, failure.sqlState());
        if (failure.message() != null) {
            assertFalse(failure.message().contains("driver text"), "never the driver's words: " + failure.message());
        }
        assertEquals(status == 503, failure.retryLater());
    }

    @org.junit.jupiter.api.Test
    void noSqlStateIsAPoolThatCouldNotConnectAndNoSqlExceptionIsABug() {
        assertEquals(Status.SERVICE_UNAVAILABLE, DatabaseFailure.of(new SQLException("Sorry, acquisition timeout!"), false).status());
        assertEquals(Status.INTERNAL_SERVER_ERROR, DatabaseFailure.of(new PersistenceException("no SQL here"), false).status());
    }

    @org.junit.jupiter.api.Test
    void aConflictSaysWhichRuleInWords() {
        assertEquals("a value is outside what the store accepts (payment_amount_check)",
                DatabaseFailure.reason("23514", "payment_amount_check"));
        assertTrue(DatabaseFailure.of(new SQLException("x", "23503"), false).message().startsWith("This change was refused"));
    }
}
