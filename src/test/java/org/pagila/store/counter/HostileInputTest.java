package org.pagila.store.counter;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.config.EncoderConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.filter.cookie.CookieFilter;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile input, the same list for the pages and the API: every request gets its proper status and a message
 * that says what was wrong, never a 5xx, never a stack trace or a driver's words. The store is real, and so is
 * the cluster behind it: an input that slipped through would reach PostgreSQL and show here as a 503 or a 500.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputTest {
    private static final String LONG = "x".repeat(3_000);
    private CookieFilter session;

    /** One hostile request: where it goes on the pages and in the API, what it must answer and say. */
    record Hostile(String what, String page, String api, int status, String message) {
        @Override
        public String toString() {
            return what;
        }
    }

    /** Read-side requests: catalog (public) and counter (signed in); page and API carry the same parameter. */
    static Stream<Hostile> reads() {
        return Stream.of(
                new Hostile("price with a huge exponent", "/films?minRate=1e-10000000", "/api/films?minRate=1e-10000000", 400, "minRate is a price in dollars"),
                new Hostile("price with 3 decimals", "/films?maxRate=2.999", "/api/films?maxRate=2.999", 400, "maxRate is a price in dollars"),
                new Hostile("negative price", "/films?minRate=-1", "/api/films?minRate=-1", 400, "minRate is a price in dollars"),
                new Hostile("length with an exponent", "/films?minLength=1e3", "/api/films?minLength=1e3", 400, "minLength is a length in minutes"),
                new Hostile("huge page", "/films?page=99999999999", "/api/films?page=99999999999", 400, "page is a page number (1 to 10000)"),
                new Hostile("page past the cap", "/categories/Horror?page=10001", "/api/categories/Horror?page=10001", 400, "page is a page number"),
                new Hostile("negative page", "/films?page=-5", "/api/films?page=-5", 400, "page is a page number"),
                new Hostile("zero search page", "/search?q=dinosaur&page=0", "/api/search?q=dinosaur&page=0", 400, "page is a page number"),
                new Hostile("repeated filter", "/films?rating=R&rating=PG", "/api/films?rating=R&rating=PG", 400, "rating is given 2 times"),
                new Hostile("NUL in a search", "/search?q=a%00b", "/api/search?q=a%00b", 400, "contains a control character (code 0)"),
                new Hostile("newline in a filter", "/films?category=Horror%0A", "/api/films?category=Horror%0A", 400, "contains a control character (code 10)"),
                new Hostile("very long search", "/search?q=" + LONG, "/api/search?q=" + LONG, 400, "q is at most 1000 characters"),
                new Hostile("long search", "/search?q=" + "y".repeat(250), "/api/search?q=" + "y".repeat(250), 400, "A search is at most 200 characters"),
                new Hostile("not UTF-8", "/search?q=%FF%FE%FD", "/api/search?q=%FF%FE%FD", 400, "is not valid UTF-8 text"),
                new Hostile("NUL in an id", "/films/1%00", "/api/films/1%00", 400, "contains a control character"),
                new Hostile("id past int", "/films/99999999999", "/api/films/99999999999", 400, "film id must be a positive whole number"),
                new Hostile("NUL in a category", "/categories/Horror%00", "/api/categories/Horror%00", 400, "contains a control character"),
                new Hostile("NUL in a customer search", "/staff/customers?q=smith%00", "/api/customers?q=smith%00", 400, "contains a control character"),
                new Hostile("long customer search", "/staff/customers?q=" + "z".repeat(300), "/api/customers?q=" + "z".repeat(300), 400, "q is at most 200 characters"),
                new Hostile("huge history page", "/staff/customers/1?page=99999999999", "/api/customers/1/rentals?page=99999999999", 400, "page is a page number"),
                new Hostile("negative overdue page", "/staff/overdue?page=-1", "/api/rentals/overdue?page=-1", 400, "page is a page number"),
                new Hostile("customer id past int", "/staff/customers/99999999999", "/api/customers/99999999999", 404, "There is no customer"),
                new Hostile("film title with NUL", "/staff/customers/1/rent?film=ac%00", "/api/rentals/copies?filmId=1%00", 400, "contains a control character"));
    }

    /** Signed in once, on first use (RestAssured knows the test port only once the tests run). */
    private CookieFilter session() {
        if (session == null) {
            session = Staff.signIn("Mike");
        }
        return session;
    }

    private RequestSpecification as(String path) {
        var spec = given().redirects().follow(false).urlEncodingEnabled(false);
        if (path.startsWith("/staff")) {
            return spec.filter(session());
        }
        if (path.startsWith("/api/customers") || path.startsWith("/api/rentals")) {
            return spec.auth().preemptive().basic("Mike", Staff.password("Mike"));
        }
        return spec;
    }

    @ParameterizedTest(name = "page: {0}")
    @MethodSource("reads")
    void onThePages(Hostile h) {
        Response r = as(h.page()).accept("text/html").get(h.page());
        assertAnswer(h, r, "text/html");
    }

    @ParameterizedTest(name = "API: {0}")
    @MethodSource("reads")
    void inTheApi(Hostile h) {
        Response r = as(h.api()).get(h.api());
        assertAnswer(h, r, "application/json");
        assertEquals(h.status(), r.jsonPath().getInt("status"), "the JSON says the same status");
    }

    /** Write requests: the counter's forms and the JSON API with the same hostile values. */
    static Stream<Arguments> writes() {
        return Stream.of(
                Arguments.of("copy number with an exponent", "inventoryId=1e5", "{\"customerId\":1,\"inventoryId\":1e5}", 400, "inventoryId"),
                Arguments.of("copy number past int", "inventoryId=99999999999", "{\"customerId\":1,\"inventoryId\":99999999999}", 400, "inventoryId"),
                Arguments.of("copy number with NUL", "inventoryId=1%00", "{\"customerId\":1,\"inventoryId\":\"1\\u0000\"}", 400, "inventoryId"),
                Arguments.of("negative copy number", "inventoryId=-4", "{\"customerId\":1,\"inventoryId\":-4}", 400, "inventoryId"));
    }

    @ParameterizedTest(name = "form: {0}")
    @MethodSource("writes")
    void inTheForms(String what, String form, String json, int status, String message) {
        String token = Staff.csrfToken(session());
        Response r = given().filter(session()).redirects().follow(false).urlEncodingEnabled(false)
                .contentType("application/x-www-form-urlencoded").body(form + "&csrf-token=" + token)
                .post("/staff/customers/1/rentals");
        assertNo5xx(r);
        assertEquals(status, r.statusCode(), what + ": " + r.asString());
        assertTrue(r.asString().contains("copy number"), what + ": " + r.asString());
    }

    @ParameterizedTest(name = "JSON: {0}")
    @MethodSource("writes")
    void inTheJson(String what, String form, String json, int status, String message) {
        Response r = Staff.mike().body(json).post("/api/rentals");
        assertNo5xx(r);
        assertEquals(status, r.statusCode(), what + ": " + r.asString());
        assertTrue(r.jsonPath().getString("message").contains(message), what + ": " + r.asString());
    }

    /** Bodies that are not what the API takes at all. */
    static Stream<Arguments> bodies() {
        return Stream.of(
                Arguments.of("malformed JSON", "application/json", "{\"customerId\": 1,", 400, "not valid JSON"),
                Arguments.of("a JSON array", "application/json", "[1, 2]", 400, "JSON"),
                Arguments.of("a string for a number", "application/json", "{\"customerId\":\"one\",\"inventoryId\":1}", 400, "customerId"),
                Arguments.of("a number beyond any int", "application/json", "{\"customerId\":1e400,\"inventoryId\":1}", 400, "customerId"),
                Arguments.of("an empty body", "application/json", "", 400, "customerId"),
                Arguments.of("plain text", "text/plain", "customerId=1", 415, "cannot take"),
                Arguments.of("a form", "application/x-www-form-urlencoded", "customerId=1&inventoryId=1", 415, "cannot take"));
    }

    @ParameterizedTest(name = "body: {0}")
    @MethodSource("bodies")
    void bodiesTheApiCannotTake(String what, String contentType, String body, int status, String message) {
        Response r = given().auth().preemptive().basic("Mike", Staff.password("Mike"))
                .config(RestAssuredConfig.config().encoderConfig(EncoderConfig.encoderConfig()
                        .appendDefaultContentCharsetToContentTypeIfUndefined(false)))
                .contentType(contentType).body(body).post("/api/rentals");
        assertNo5xx(r);
        assertEquals(status, r.statusCode(), what + ": " + r.asString());
        assertTrue(r.jsonPath().getString("message").contains(message), what + ": " + r.asString());
    }

    @org.junit.jupiter.api.Test
    void jsonThatIsNotUtf8IsABadRequest() {
        byte[] body = {'{', '"', 'c', 'u', 's', 't', 'o', 'm', 'e', 'r', 'I', 'd', '"', ':', '"', (byte) 0xFF, (byte) 0xFE, '"', '}'};
        Response r = Staff.mike().body(body).post("/api/rentals");
        assertNo5xx(r);
        assertEquals(400, r.statusCode(), r.asString());
    }

    /** 80 bytes of password: too long for bcrypt, and an ordinary failure whoever the user is. */
    @org.junit.jupiter.api.Test
    void anOverLongPasswordIsAnOrdinaryFailure() {
        String eighty = "p".repeat(80);
        for (String user : List.of("Mike", "nobody-of-that-name")) {
            given().auth().preemptive().basic(user, eighty).get("/api/customers/1").then().statusCode(401);
            Staff.signInForm(user, eighty).post("/j_security_check").then().statusCode(302)
                    .header("Location", org.hamcrest.Matchers.endsWith("/staff/sign-in?error=true"));
        }
        String multibyte = "é".repeat(36); // 36 characters, 72 bytes
        given().auth().preemptive().basic("Mike", multibyte).get("/api/customers/1").then().statusCode(401);
    }

    /** Every hostile request's time, for the figure printed at the end (a benchmark figure, not an assertion). */
    private static final java.util.Map<String, Long> TIMES = new java.util.concurrent.ConcurrentHashMap<>();

    @org.junit.jupiter.api.AfterAll
    static void printTheSlowestHostileRequests() {
        System.out.println("[hostile-input benchmark] slowest answers (client-side ms on loopback, includes the server's work):");
        TIMES.entrySet().stream().sorted(java.util.Map.Entry.<String, Long>comparingByValue().reversed()).limit(5)
                .forEach(e -> System.out.printf("[hostile-input benchmark] %6d ms  %s%n", e.getValue(), e.getKey()));
        printServerTimes();
    }

    /**
     * The server's own time for its refusals: Micrometer's recent maximum per route of the 4xx answers (the store
     * answers nothing else to these requests), without the client, the loopback or RestAssured. A figure, not an assertion.
     */
    private static void printServerTimes() {
        String metrics = given().get(org.pagila.store.web.Management.url("/q/metrics")).then().statusCode(200).extract().asString();
        var line = java.util.regex.Pattern.compile("^http_server_requests_seconds_max\\{(.*)} (\\S+)$", java.util.regex.Pattern.MULTILINE);
        var status = java.util.regex.Pattern.compile("status=\"(4\\d\\d)\"");
        var uri = java.util.regex.Pattern.compile("uri=\"([^\"]*)\"");
        var method = java.util.regex.Pattern.compile("method=\"([^\"]*)\"");
        java.util.Map<String, Double> worst = new java.util.HashMap<>();
        var m = line.matcher(metrics);
        while (m.find()) {
            var s = status.matcher(m.group(1));
            var u = uri.matcher(m.group(1));
            var v = method.matcher(m.group(1));
            if (s.find() && u.find() && v.find()) {
                worst.merge(s.group(1) + " " + v.group(1) + " " + u.group(1), Double.parseDouble(m.group(2)) * 1000, Math::max);
            }
        }
        System.out.println("[hostile-input benchmark] slowest refusals, server-side (Micrometer max of the last minutes, ms):");
        worst.entrySet().stream().sorted(java.util.Map.Entry.<String, Double>comparingByValue().reversed()).limit(5)
                .forEach(e -> System.out.printf("[hostile-input benchmark] %8.1f ms  %s%n", e.getValue(), e.getKey()));
    }

    private static void assertAnswer(Hostile h, Response r, String type) {
        TIMES.merge(type + " " + h.what(), r.time(), Math::max);
        assertNo5xx(r);
        assertEquals(h.status(), r.statusCode(), h.what() + ": " + r.asString());
        assertTrue(r.contentType().startsWith(type), h.what() + ": content type " + r.contentType());
        String body = r.asString();
        assertTrue(body.contains(h.message()), h.what() + ": expected '" + h.message() + "' in " + body);
    }

    static void assertNo5xx(Response r) {
        assertTrue(r.statusCode() < 500, "never a 5xx: " + r.statusCode() + " " + r.asString());
        String body = r.asString();
        assertTrue(!body.contains("Exception") && !body.contains("PSQL") && !body.contains("at org."),
                "no stack trace or driver text: " + body);
    }
}
