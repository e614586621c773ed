package org.pagila.store.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.ws.rs.core.Response.Status;
import java.math.BigDecimal;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The parameter checks alone, without a server: what passes, what is refused and with which words. */
class ParamsTest {

    @ParameterizedTest
    @ValueSource(strings = {"0", "2.99", "2.9", "2.", ".5", "9999.99", " 4.99 "})
    void pricesWithAtMostTwoDecimalsPass(String raw) {
        assertEquals(new BigDecimal(raw.strip()), Params.price("minRate", raw).orElseThrow());
    }

    @ParameterizedTest
    @ValueSource(strings = {"1e-10000000", "1E5", "2.999", "-1", "+1", "10000", "1,5", "NaN", "0x10", "１"})
    void exponentsScalesSignsAndOtherDigitsAreRefused(String raw) {
        UserError e = assertThrows(UserError.class, () -> Params.price("minRate", raw));
        assertEquals(Status.BAD_REQUEST, e.status());
        assertTrue(e.getMessage().startsWith("minRate is a price in dollars with at most 2 decimals"), e.getMessage());
    }

    @Test
    void aHugePriceIsRefusedByLengthBeforeAnyParsing() {
        UserError e = assertThrows(UserError.class, () -> Params.price("maxRate", "1".repeat(1_000_000)));
        assertTrue(e.getMessage().contains("at most 64 characters"), e.getMessage());
    }

    @Test
    void pagesRunFromOneToTheCap() {
        assertEquals(1, Params.page(null));
        assertEquals(1, Params.page(""));
        assertEquals(7, Params.page("7"));
        assertEquals(Params.MAX_PAGE, Params.page(String.valueOf(Params.MAX_PAGE)));
        for (String bad : new String[] {"0", "-1", "10001", "99999999999999999999", "2147483647", "1.5", "x"}) {
            UserError e = assertThrows(UserError.class, () -> Params.page(bad), bad);
            assertTrue(e.getMessage().startsWith("page is a page number (1 to 10000)"), e.getMessage());
        }
    }

    @Test
    void idsArePositiveAndFitAnInt() {
        assertEquals(Optional.of(42), Params.id("42"));
        assertEquals(Optional.empty(), Params.id("0"));
        assertEquals(Optional.empty(), Params.id("-3"));
        assertEquals(Optional.empty(), Params.id("9999999999"));
        assertEquals(Optional.empty(), Params.id("1e3"));
        assertEquals(Optional.empty(), Params.id(null));
        assertEquals(Optional.empty(), Params.id("7".repeat(100_000)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\u0000b", "line\nbreak", "bell\u0007", "\u007f", "bad \uFFFD byte"})
    void controlCharactersAndUndecodableBytesAreRefused(String raw) {
        UserError e = assertThrows(UserError.class, () -> Params.text("q", raw, 200));
        assertEquals(Status.BAD_REQUEST, e.status());
        assertTrue(e.getMessage().startsWith("q "), e.getMessage());
    }

    @Test
    void textIsStrippedBoundedAndEmptyWhenBlank() {
        assertEquals(Optional.of("academy dinosaur"), Params.text("q", "  academy dinosaur ", 200));
        assertEquals(Optional.empty(), Params.text("q", "   ", 200));
        assertEquals(Optional.of("é 映画"), Params.text("q", "é 映画", 200));
        UserError e = assertThrows(UserError.class, () -> Params.text("q", "x".repeat(201), 200));
        assertEquals("q is at most 200 characters; this one has 201.", e.getMessage());
        e = assertThrows(UserError.class, () -> Params.text("q", " ".repeat(5_000_000), 200));
        assertTrue(e.getMessage().contains("5000000"), e.getMessage());
    }

    @Test
    void echoedInputIsShortAndPrintable() {
        assertEquals("a?b", UserError.abbreviate("a\u0000b"));
        assertEquals(60, UserError.abbreviate("y".repeat(500)).length());
    }
}
