package org.pagila.store.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class AddressCheckTest {
    @Test
    void validAddressesPass() {
        for (String uri : new String[] {"/", "/films?q=100%25", "/films/7", "/search?q=acadamy+dinosuar", "/api/films?q=%C3%A9t%C3%A9"}) {
            assertEquals(Optional.empty(), AddressCheck.problem(uri), uri);
        }
    }

    @Test
    void aPercentWithoutTwoHexDigitsIsNamedWithItsPosition() {
        assertEquals(13, AddressCheck.brokenEscape("/search?q=100%"));
        assertEquals(9, AddressCheck.brokenEscape("/films?q=%zz"));
        assertEquals(12, AddressCheck.brokenEscape("/films?q=%41%4"));
        assertEquals(-1, AddressCheck.brokenEscape("/films?q=%41%42"));
        String message = AddressCheck.problem("/search?q=100%").orElseThrow();
        assertTrue(message.contains("(character 14)") && message.contains("%25"), message);
    }

    @Test
    void anotherCharacterThatMustBeEncodedIsNamed() {
        String message = AddressCheck.problem("/films?q=a|b").orElseThrow();
        assertTrue(message.contains("(character 11, \"|\")"), message);
        assertTrue(AddressCheck.problem("/films?q=a b").orElseThrow().contains("U+0020"));
    }
}
