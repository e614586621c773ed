package org.pagila.store.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.ws.rs.core.MultivaluedHashMap;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pagila.store.web.UserError;

/** Filter and paging parsing of the film lists, without a server or a database. */
class FilmQueryTest {
    private static final FilmQuery.Vocabulary WORDS = new FilmQuery.Vocabulary(List.of("Horror", "Comedy"), List.of("English"));

    private static FilmQuery parse(Map<String, List<String>> params) {
        MultivaluedHashMap<String, String> map = new MultivaluedHashMap<>();
        params.forEach(map::put);
        return FilmQuery.from(map, WORDS);
    }

    private static String refusal(Map<String, List<String>> params) {
        return assertThrows(UserError.class, () -> parse(params)).getMessage();
    }

    @Test
    void everyFilterIsReadAndNormalised() {
        FilmQuery q = parse(Map.of("category", List.of("horror"), "rating", List.of("pg-13"), "minRate", List.of("0.99"),
                "maxRate", List.of("4.99"), "minLength", List.of("60"), "sort", List.of("RATE"), "page", List.of("3")));
        assertEquals("Horror", q.category());
        assertEquals("PG-13", q.rating());
        assertEquals(new BigDecimal("0.99"), q.minRate());
        assertEquals(60, q.minLength());
        assertEquals(FilmQuery.Sort.RENTAL_RATE, q.sort());
        assertEquals(3, q.page());
        assertNull(q.language());
        assertEquals("?category=Horror&rating=PG-13&minLength=60&minRate=0.99&maxRate=4.99&sort=rate&page=2",
                q.queryString(2, true));
    }

    @Test
    void aListIsHeadedByItsCategoryWhenThatIsItsOnlyFilter() {
        assertEquals("All films", parse(Map.of("sort", List.of("popularity"))).heading());
        assertEquals("Horror", parse(Map.of("category", List.of("horror"), "sort", List.of("popularity"))).heading());
        assertEquals("Films matching your filters", parse(Map.of("category", List.of("Horror"), "rating", List.of("R"))).heading());
        assertEquals("Films matching your filters", parse(Map.of("rating", List.of("R"))).heading());
    }

    @Test
    void emptyParametersMeanAny() {
        FilmQuery q = parse(Map.of("category", List.of(""), "minRate", List.of(" "), "page", List.of("")));
        assertNull(q.category());
        assertNull(q.minRate());
        assertEquals(1, q.page());
    }

    @Test
    void hostileValuesAreRefusedWithTheParameterNamed() {
        assertTrue(refusal(Map.of("minRate", List.of("1e-100000000"))).startsWith("minRate is a price"));
        assertTrue(refusal(Map.of("maxRate", List.of("1.999"))).startsWith("maxRate is a price"));
        assertTrue(refusal(Map.of("page", List.of("2147483647"))).startsWith("page is a page number"));
        assertTrue(refusal(Map.of("page", List.of("-1"))).startsWith("page is a page number"));
        assertTrue(refusal(Map.of("minLength", List.of("99999999999"))).startsWith("minLength is a length"));
        assertTrue(refusal(Map.of("rating", List.of("R\u0000"))).startsWith("rating contains a control character"));
        assertTrue(refusal(Map.of("category", List.of("x".repeat(65)))).startsWith("category is at most 64"));
        assertTrue(refusal(Map.of("rating", List.of("X"))).startsWith("Unknown rating 'X'"));
        assertEquals("page is given 2 times; give it once.", refusal(Map.of("page", List.of("1", "2"))));
        assertEquals("The lowest rental price asked for (minRate, $3) is more than the highest (maxRate, $1).", refusal(Map.of("minRate", List.of("3"), "maxRate", List.of("1"))));
    }

    @Test
    void theLastAllowedPageHasAnOffsetThatFitsAnInt() {
        FilmQuery q = parse(Map.of("page", List.of("10000")));
        Paging paging = Paging.of(q.page(), 1000, p -> "/films?page=" + p);
        assertTrue(paging.pastTheEnd());
        assertEquals(9999 * Paging.PAGE_SIZE, paging.offset());
    }
}
