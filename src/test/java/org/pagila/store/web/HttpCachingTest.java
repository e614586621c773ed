package org.pagila.store.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The validator and the If-None-Match decision (no store needed). */
class HttpCachingTest {

    @Test
    void theEtagFollowsTheExactBytes() {
        byte[] page = "<p>Served by node1</p>".getBytes(StandardCharsets.UTF_8);
        String etag = HttpCaching.etag(page);
        assertTrue(etag.matches("\"[0-9a-f]+-[0-9a-f]+\""), etag);
        assertEquals(etag, HttpCaching.etag(page.clone()));
        assertNotEquals(etag, HttpCaching.etag("<p>Served by node2</p>".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void ifNoneMatchMatchesTheTagInAListWeakOrStarButNotAnother() {
        String etag = "\"1a2b-10\"";
        assertTrue(HttpCaching.matches(etag, etag));
        assertTrue(HttpCaching.matches("\"x-1\", " + etag, etag));
        assertTrue(HttpCaching.matches("W/" + etag, etag));
        assertTrue(HttpCaching.matches("*", etag));
        assertFalse(HttpCaching.matches("\"1a2b-11\"", etag));
        assertFalse(HttpCaching.matches(null, etag));
    }
}
