package org.pagila.store.catalog;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.pagila.store.cluster.TestCluster;

/** The catalog pages in the browser's view: real Pagila content, checked against the database where it can change. */
@QuarkusTest
class CatalogPagesTest {
    private static final Pattern CARD = Pattern.compile("<li class=\"film-card\">");

    @Test
    void theFilmListShowsTwentyFourFilmsAPageInTitleOrder() {
        String html = html("/films");
        assertTrue(html.contains("1000 films · showing 1–24 of 1000"), "count and range");
        assertEquals(24, cards(html));
        assertTrue(html.indexOf("ACADEMY DINOSAUR") < html.indexOf("ACE GOLDFINGER"), "title order");
        assertTrue(html.contains("href=\"/films?page=2\" rel=\"next\""), "next page link");
        assertTrue(html.contains("href=\"/films?page=42\""), "last page link (1000 films / 24)");
        String last = html("/films?page=42");
        assertEquals(1000 - 41 * 24, cards(last));
        assertTrue(last.contains("ZORRO ARK"), "the last film by title");
    }

    @Test
    void filtersCombineAndStayInTheQueryString() throws Exception {
        long expected = sqlCount("""
                SELECT count(*) FROM film f JOIN film_category fc USING (film_id) JOIN category c USING (category_id)
                WHERE c.name = 'Horror' AND f.rating = 'R' AND f.length BETWEEN 60 AND 120
                  AND 'Trailers' = ANY (f.special_features) AND f.rental_rate <= 2.99""");
        String html = html("/films?category=horror&rating=R&minLength=60&maxLength=120&feature=trailers&maxRate=2.99&sort=length");
        assertTrue(html.contains(expected + " films"), "expected " + expected + " films");
        assertEquals(expected, cards(html));
        assertTrue(html.contains("<option selected>Horror</option>"), "the form keeps the chosen category");
        assertTrue(html.contains("<option value=\"length\" selected>"), "the form keeps the sort");
    }

    @Test
    void popularitySortPutsTheMostRentedFilmFirst() {
        String html = html("/films?sort=popularity");
        assertTrue(firstTitle(html).equals("BUCKET BROTHERHOOD"), firstTitle(html));
        assertTrue(html.contains("rented 34×"));
    }

    @Test
    void theFilmPageShowsEverythingAboutAcademyDinosaur() throws Exception {
        String html = html("/films/1");
        for (String fact : new String[] {"<h1>ACADEMY DINOSAUR</h1>", "A Epic Drama of a Feminist", "2006", "86 min",
                "PG", "Deleted Scenes, Behind the Scenes", "$0.99</strong> for 6 days", "$20.99", "English",
                "href=\"/categories/Documentary\"", "<a href=\"/actors/1\">PENELOPE GUINESS</a>", "47 MySakila Drive"}) {
            assertTrue(html.contains(fact), "film 1 page shows " + fact);
        }
        for (int store = 1; store <= 2; store++) {
            long owned = sqlCount("SELECT count(*) FROM inventory WHERE film_id = 1 AND store_id = " + store);
            long inStock = sqlCount("SELECT count(*) FROM inventory i WHERE film_id = 1 AND store_id = " + store
                    + " AND NOT EXISTS (SELECT 1 FROM rental r WHERE r.inventory_id = i.inventory_id AND r.return_date IS NULL)");
            assertTrue(Pattern.compile("Store " + store + "<br>.*?</td>\\s*<td>" + owned + "</td>\\s*<td><span class=\"in\">"
                    + inStock + " available", Pattern.DOTALL).matcher(html).find(), "store " + store + ": " + owned + "/" + inStock);
        }
    }

    @Test
    void theActorPageListsTheActorsFilms() throws Exception {
        String html = html("/actors/1");
        assertTrue(html.contains("<h1>PENELOPE GUINESS</h1>"));
        assertTrue(html.contains("href=\"/films/1\">ACADEMY DINOSAUR"));
        assertEquals(sqlCount("SELECT count(*) FROM film_actor WHERE actor_id = 1"), cards(html));
    }

    @Test
    void categoriesListTheirFilmsPaged() {
        assertTrue(html("/categories").contains("<span class=\"name\">Horror</span> <span class=\"muted\">56 films</span>"));
        String horror = html("/categories/Horror");
        assertTrue(horror.contains("56 films · showing 1–24 of 56"));
        assertEquals(24, cards(horror));
        assertTrue(horror.contains("href=\"/categories/Horror?page=3\""));
        assertEquals(56 - 48, cards(html("/categories/horror?page=3")));
        assertTrue(html("/categories/Sci-Fi").contains("61 films"));
    }

    @Test
    void searchRanksTitleMatchesFirstAndFindsPhrasesAndSeveralWords() throws Exception {
        String dinosaur = html("/search?q=dinosaur");
        assertTrue(firstTitle(dinosaur).contains("DINOSAUR"), "a title match first: " + firstTitle(dinosaur));
        assertEquals(sqlCount("SELECT count(*) FROM film WHERE fulltext @@ to_tsquery('english', 'dinosaur')"), cardsOfAllPages("dinosaur"));

        long phrase = sqlCount("SELECT count(*) FROM film WHERE fulltext @@ phraseto_tsquery('english', 'mad scientist')");
        long words = sqlCount("SELECT count(*) FROM film WHERE fulltext @@ plainto_tsquery('english', 'mad scientist')");
        assertTrue(phrase > 0 && phrase <= words, phrase + " / " + words);
        assertTrue(html("/search?q=%22mad+scientist%22").contains(phrase + " films for"), "phrase: " + phrase);
        assertTrue(html("/search?q=shark+crocodile").contains(
                sqlCount("SELECT count(*) FROM film WHERE fulltext @@ plainto_tsquery('english', 'shark crocodile')") + " films for"));
    }

    @Test
    void aMisspelledTitleStillFindsTheFilm() {
        String html = html("/search?q=acadamy+dinosuar");
        assertEquals("ACADEMY DINOSAUR", firstTitle(html));
        assertTrue(html.contains("these titles come closest"));
        assertEquals("ACE GOLDFINGER", firstTitle(html("/search?q=ace+goldfingr")));
    }

    @Test
    void noMatchSaysSoAndOffersBrowsing() {
        given().get("/search?q=xylophonequartz").then().statusCode(200)
                .body(containsString("No film matches “xylophonequartz”"))
                .body(containsString("href=\"/films\">browse all films</a>"));
    }

    @Test
    void anEmptyQueryShowsTheSearchPage() {
        given().get("/search?q=").then().statusCode(200)
                .body(containsString("<h1>Search the catalog</h1>"))
                .body(not(containsString("No film matches")));
        given().get("/search").then().statusCode(200).body(containsString("name=\"q\""));
    }

    @Test
    void everyPageHasTheNavigationAndTheServedByFooter() {
        given().get("/films/1").then().statusCode(200)
                .body(containsString("<a href=\"/films\">Films</a>"))
                .body(containsString("<a href=\"/categories\">Categories</a>"))
                .body(containsString("class=\"header-search\""))
                .body(containsString("Served by <strong>node"));
    }

    /** Paths here are written already URL-encoded, as a browser sends them. */
    private static String html(String path) {
        return given().urlEncodingEnabled(false).get(path).then().statusCode(200).contentType(containsString("text/html")).extract().asString();
    }

    private static long cards(String html) {
        return CARD.matcher(html).results().count();
    }

    private static long cardsOfAllPages(String q) {
        long total = 0;
        for (int page = 1; ; page++) {
            String html = html("/search?q=" + q + "&page=" + page);
            long cards = cards(html);
            total += cards;
            if (cards < 24) {
                return total;
            }
        }
    }

    private static String firstTitle(String html) {
        Matcher m = Pattern.compile("<h3><a href=\"/films/\\d+\">([^<]+)</a></h3>").matcher(html);
        return m.find() ? m.group(1) : "(no film)";
    }

    static long sqlCount(String sql) throws Exception {
        try (Connection node = TestCluster.superuser("node1", "pagila")) {
            return TestCluster.count(node, sql);
        }
    }
}
