package org.pagila.cluster.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

/** demo --store: an http(s) address with a host, or a message saying what one looks like (not a stack trace mid-demo). */
class StoreAddressTest {
    @Test
    void anHttpAddressWithAHostIsTaken() {
        assertEquals(URI.create("http://127.0.0.1:1"), new StoreAddress().convert("http://127.0.0.1:1"));
        assertEquals(URI.create("HTTPS://store.example"), new StoreAddress().convert("HTTPS://store.example"));
    }

    @Test
    void anAddressWithoutSchemeOrHostIsRefusedWithAnExample() {
        for (String wrong : new String[] {"notaurl", "localhost:8080", "ftp://store", "http://", "http://bad host"}) {
            TypeConversionException e = assertThrows(TypeConversionException.class, () -> new StoreAddress().convert(wrong), wrong);
            assertTrue(e.getMessage().contains("http://localhost:8080"), e.getMessage());
        }
    }
}
