package org.pagila.store.catalog;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.ValidatableResponse;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Bad input gets a clear status and message: a friendly page in the browser, JSON under /api, never a 500. */
@QuarkusTest
class CatalogErrorsTest {

    @ParameterizedTest
    @ValueSource(strings = {"/films/99999", "/actors/999", "/categories/Westerns", "/no/such/page"})
    void unknownThingsAreAFriendly404Page(String path) {
        friendlyPage(given().accept("text/html").get(path).then().statusCode(404))
                .body(containsString("We could not find that"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/films/99999", "/api/actors/999", "/api/categories/Westerns", "/api/nothing"})
    void unknownThingsAreA404InJson(String path) {
        given().get(path).then().statusCode(404).contentType(containsString("application/json"))
                .body("status", is(404)).body("message", not(containsString("Exception")));
    }

    @Test
    void aNonNumericIdIsA400ThatSaysWhy() {
        friendlyPage(given().get("/films/abc").then().statusCode(400))
                .body(containsString("The film id must be a positive whole number, not &#39;abc&#39;."));
        given().get("/api/actors/1x").then().statusCode(400).body("message", is("The actor id must be a positive whole number, not '1x'."));
        given().get("/api/films/99999999999").then().statusCode(400);
        given().get("/api/films/0").then().statusCode(400);
    }

    @ParameterizedTest
    @CsvSource({"rating,X", "category,Westerns", "language,Klingon", "feature,Bloopers", "sort,price",
            "minLength,long", "maxLength,-5", "minRate,cheap", "maxRate,1e9", "page,0", "page,-1", "page,two"})
    void anUnknownFilterValueIsA400NamingTheParameter(String parameter, String value) {
        given().queryParam(parameter, value).get("/api/films").then().statusCode(400)
                .body("message", containsString(parameter));
        friendlyPage(given().queryParam(parameter, value).get("/films").then().statusCode(400))
                .body(containsString(parameter));
    }

    @Test
    void contradictoryRangesAreA400() {
        given().get("/api/films?minLength=120&maxLength=60").then().statusCode(400)
                .body("message", is("The shortest length asked for (minLength, 120 min) is more than the longest (maxLength, 60 min)."));
    }

    @Test
    void aPagePastTheEndIsAnEmptyPageThatLinksBack() {
        given().get("/films?page=43").then().statusCode(200)
                .body(containsString("Page 43 is past the end: there are 42 pages."))
                .body(containsString("href=\"/films?page=42\""));
        given().get("/api/films?category=Horror&page=4").then().statusCode(200)
                .body("items.size()", is(0)).body("total", is(56)).body("links.last", is("/api/films?category=Horror&page=3"))
                .body("links.prev", is("/api/films?category=Horror&page=3"));
        given().get("/search?q=dinosaur&page=5").then().statusCode(200).body(containsString("Page 5 is past the end"));
    }

    @Test
    void aQueryOver200CharactersIsA400() {
        String longQuery = "dinosaur ".repeat(23);
        friendlyPage(given().queryParam("q", longQuery).get("/search").then().statusCode(400))
                .body(containsString("A search is at most 200 characters"));
        given().queryParam("q", longQuery).get("/api/search").then().statusCode(400).body("status", is(400));
        given().queryParam("q", "x".repeat(200)).get("/api/search").then().statusCode(200);
        // a query pasted far past the limit still reaches the store (not Vert.x's bare 414 past 4 KB of request line)
        friendlyPage(given().queryParam("q", "x".repeat(5_000)).get("/search").then().statusCode(400))
                .body(containsString("q is at most 1000 characters; this one has 5000."));
        given().queryParam("q", "x".repeat(5_000)).get("/api/search").then().statusCode(400)
                .body("message", is("q is at most 1000 characters; this one has 5000."));
    }

    @ParameterizedTest
    @ValueSource(strings = {"'", "\"", "\"unclosed phrase", "\\", "\\\\'", "%", "_", "100%", "a_b", "'; DROP TABLE film; --",
            "1' OR '1'='1", ") OR (1=1", "!!&|:*<->", "<script>alert(1)</script>", "恐竜", "Ärger über Öl", "динозавр", "🦖",
            "-", "\"\"", "a & b | !c"})
    void awkwardSearchesAreTakenLiterally(String q) {
        // None of these holds a word of any title or plot: taken literally (no wildcard, no injected OR) they find nothing.
        given().queryParam("q", q).get("/api/search").then().statusCode(200).body("total", is(0)).body("items.size()", is(0));
        given().queryParam("q", q).get("/search").then().statusCode(200)
                .body(not(containsString("<script>alert(1)</script>")))
                .body(containsString("Search the catalog"));
    }

    @Test
    void aStopWordAloneStillFindsTitlesThatLookLikeIt() {
        // "the" is dropped by the full-text search, so only the trigram title match answers: a few films whose titles
        // share its letters (THEORY, THIEF), never the whole catalog although nearly every plot says "the".
        List<String> titles = given().queryParam("q", "the").get("/api/search").then().statusCode(200)
                .body("total", greaterThan(0)).body("total", lessThan(50)).extract().path("items.title");
        assertTrue(titles.stream().allMatch(t -> t.contains("TH")), titles.toString());
    }

    @Test
    void sqlInSearchIsOnlyText() {
        given().queryParam("q", "'; DROP TABLE film; --").get("/api/search").then().statusCode(200);
        given().get("/api/films").then().statusCode(200).body("total", is(1000));
    }

    @Test
    void errorsAnswerInTheFormatTheClientAccepts() {
        given().accept("text/html,application/xhtml+xml").get("/films/424242").then().statusCode(404)
                .contentType(startsWith("text/html"));
        given().accept("application/json").get("/films/424242").then().statusCode(406)
                .contentType(startsWith("application/json")).body("message", containsString("format"));
        given().accept("text/html").get("/api/films/424242").then().statusCode(406)
                .contentType(startsWith("application/json"));
    }

    /**
     * An address that is not a valid URI (typed, or from a link elsewhere) gets the same words as any refusal: a page,
     * JSON under /api, also on the staff paths, where security comes after the check. Sent over a plain socket,
     * since HTTP clients refuse to send such an address at all.
     */
    @ParameterizedTest
    @ValueSource(strings = {"/search?q=100%", "/films?q=%zz", "/%", "/films/%zz", "/staff/customers?q=%"})
    void aBrokenPercentEscapeIsA400ThatSaysSo(String address) throws Exception {
        String answer = rawGet(address, "text/html");
        assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
        assertTrue(answer.contains("Content-Type: text/html") || answer.contains("content-type: text/html"), answer);
        assertTrue(answer.contains("is not followed by two hexadecimal digits"), answer);
        assertTrue(answer.contains("<a class=\"brand\" href=\"/\">") && !answer.contains("Exception"), answer);
        // the store's own security headers, as on every page (it answers before Quarkus adds them)
        assertTrue(answer.contains("Content-Security-Policy: default-src 'self'") && answer.contains("X-Frame-Options: DENY"), answer);
    }

    @Test
    void aBrokenAddressUnderApiIsJson() throws Exception {
        for (String address : List.of("/api/films?q=%", "/api/rentals?x=%2")) {
            String answer = rawGet(address, "*/*");
            assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
            assertTrue(answer.contains("{\"status\":400,\"error\":\"Bad Request\",\"message\":\"The address has a"), answer);
        }
        String pipe = rawGet("/films?q=a|b", "text/html");
        assertTrue(pipe.startsWith("HTTP/1.1 400 ") && pipe.contains("must be percent-encoded (character 11, &quot;|&quot;)"), pipe);
    }

    @Test
    void aPercentSignWrittenAsAnAddressHoldsItIsSearchedFor() {
        given().urlEncodingEnabled(false).get("/search?q=100%25").then().statusCode(200).body(containsString("100%"));
    }

    private static String rawGet(String address, String accept) throws IOException {
        try (Socket socket = new Socket("localhost", RestAssured.port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET " + address + " HTTP/1.1\r\nHost: localhost\r\nAccept: " + accept
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** A page a customer can read: the store's layout, a way back, and nothing of the server's insides. */
    private static ValidatableResponse friendlyPage(ValidatableResponse response) {
        return response.contentType(startsWith("text/html"))
                .body(containsString("<a class=\"brand\" href=\"/\">"))
                .body(containsString("class=\"button\""))
                .body(not(containsString("Exception")))
                .body(not(containsString("no database read"))) // the footer names a node only when one served a read
                .body(not(containsString("at org.")))
                .body(not(containsString("at io.")));
    }
}
