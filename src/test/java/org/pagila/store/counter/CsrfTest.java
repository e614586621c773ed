package org.pagila.store.counter;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * CSRF with quarkus-rest-csrf plus the store's binding of the token to the session. Cookies are handled by hand here,
 * so a test can hand one browser's CSRF cookie and token to another session, as an attacker planting them would.
 */
@QuarkusTest
class CsrfTest {
    private static final String COOKIE = "pagila-form-token";
    private static final String REFUSED = "This form has expired or did not come from the store";

    /** A browser: its cookies and the CSRF token of the last page it loaded. */
    static final class Browser {
        final Map<String, String> cookies = new HashMap<>();
        String token;

        Response get(String path) {
            Response r = given().cookies(cookies).redirects().follow(false).get(path);
            keep(r);
            if (r.statusCode() == 200 && r.asString().contains("name=\"csrf-token\"")) {
                token = Staff.formToken(r.asString());
            }
            return r;
        }

        RequestSpecification post() {
            return given().cookies(cookies).redirects().follow(false);
        }

        Response keep(Response r) {
            r.detailedCookies().forEach(c -> {
                if (c.getMaxAge() == 0 || c.getValue().isEmpty()) {
                    cookies.remove(c.getName());
                } else {
                    cookies.put(c.getName(), c.getValue());
                }
            });
            return r;
        }

        /** Signs in through the sign-in page's form, then opens the counter (which hands out the session's token). */
        static Browser signedIn(String username) {
            Browser b = new Browser();
            b.get("/staff/sign-in");
            Response signIn = b.keep(b.post().formParam("csrf-token", b.token).formParam("j_username", username)
                    .formParam("j_password", Staff.password(username)).post("/j_security_check"));
            assertEquals(302, signIn.statusCode());
            assertTrue(!signIn.header("Location").contains("error"), signIn.header("Location"));
            assertEquals(200, b.get("/staff").statusCode());
            return b;
        }
    }

    @Test
    void signInNeedsTheTokenOfItsOwnPage() {
        Browser alice = new Browser();
        alice.get("/staff/sign-in");
        Browser other = new Browser();
        other.get("/staff/sign-in");
        Map<String, String> attempts = Map.of("no token", "", "a wrong token", alice.token + "x", "another browser's token", other.token);
        for (var attempt : attempts.entrySet()) {
            var form = alice.post().formParam("j_username", "Mike").formParam("j_password", Staff.password("Mike"));
            if (!attempt.getValue().isEmpty()) {
                form = form.formParam("csrf-token", attempt.getValue());
            }
            Response r = form.post("/j_security_check");
            assertEquals(302, r.statusCode(), attempt.getKey());
            assertTrue(r.header("Location").endsWith("/staff/sign-in?error=expired"), attempt.getKey() + ": " + r.header("Location"));
            assertNull(r.detailedCookie("pagila-session"), attempt.getKey() + ": not signed in");
        }
        alice.get("/staff/sign-in?error=expired").then().statusCode(403).contentType(containsString("text/html"))
                .body(containsString("did not come from this page"));
        // with its own token the same form signs in, and the sign-in renews the CSRF cookie
        Response signIn = alice.post().formParam("csrf-token", alice.token).formParam("j_username", "Mike")
                .formParam("j_password", Staff.password("Mike")).post("/j_security_check");
        assertEquals(302, signIn.statusCode());
        assertNotNull(signIn.detailedCookie("pagila-session"));
        assertEquals(0, signIn.detailedCookie(COOKIE).getMaxAge(), "the token from before the sign-in is dropped");
    }

    @Test
    void theTokenIsNewAtSignInAndBelongsToItsSession() throws Exception {
        Browser mike = new Browser();
        mike.get("/staff/sign-in");
        String beforeToken = mike.token;
        String beforeCookie = mike.cookies.get(COOKIE);
        Response signIn = mike.keep(mike.post().formParam("csrf-token", beforeToken).formParam("j_username", "Mike")
                .formParam("j_password", Staff.password("Mike")).post("/j_security_check"));
        assertEquals(302, signIn.statusCode());
        mike.get("/staff").then().statusCode(200).cookie(COOKIE);
        assertNotEquals(beforeToken, mike.token, "a new token after the sign-in");
        Browser jon = Browser.signedIn("Jon");

        int copy = anyFreeCopy();
        // the pre-sign-in pair, and another session's pair, each match their own cookie but not this session
        Map<String, List<String>> planted = Map.of("the token from before the sign-in", List.of(beforeCookie, beforeToken),
                "another session's token", List.of(jon.cookies.get(COOKIE), jon.token));
        for (var pair : planted.entrySet()) {
            Map<String, String> cookies = new HashMap<>(mike.cookies);
            cookies.put(COOKIE, pair.getValue().get(0));
            Response r = given().cookies(cookies).redirects().follow(false).formParam("csrf-token", pair.getValue().get(1))
                    .formParam("inventoryId", copy).post("/staff/customers/1/rentals");
            assertRefused(r, 403, pair.getKey());
        }
        assertEquals(0, Staff.sqlInt("SELECT count(*) FROM rental WHERE inventory_id = " + copy + " AND return_date IS NULL"),
                "no refused form wrote anything");
    }

    @Test
    void everyStaffFormRefusesAMissingOrWrongTokenWithAPageAndTakesTheRightOne() throws Exception {
        Browser mike = Browser.signedIn("Mike");
        int customer = Staff.newCustomer("CSRF" + System.nanoTime() % 100000);
        int copy = anyFreeCopy();
        List<String> forms = List.of("/staff/customers/" + customer + "/rentals", "/staff/returns", "/staff/rentals/1/return",
                "/staff/sign-out");
        for (String form : forms) {
            assertRefused(mike.post().formParam("inventoryId", copy).post(form), 400, form + " without a token");
            assertRefused(mike.post().formParam("inventoryId", copy).formParam("csrf-token", mike.token + "x").post(form),
                    400, form + " with a wrong token");
            assertRefused(mike.post().contentType("text/plain").body("csrf-token=" + mike.token).post(form),
                    415, form + " as text/plain");
        }
        // the page's script posts the demo forms for JSON: the refusal is JSON too (the controls are off here: 404 after)
        Response json = mike.post().accept("application/json").formParam("node", "node3").post("/staff/cluster/demo/kill");
        assertEquals(400, json.statusCode(), json.asString());
        assertTrue(json.jsonPath().getString("message").startsWith(REFUSED), json.asString());
        assertEquals(0, Staff.sqlInt("SELECT count(*) FROM rental WHERE customer_id = " + customer), "nothing was rented");

        // the right token: rent, return, sign out; the token stays the same across pages (a second tab keeps working)
        String token = mike.token;
        Response rented = mike.post().formParam("inventoryId", copy).formParam("csrf-token", token).post("/staff/customers/" + customer + "/rentals");
        assertEquals(303, rented.statusCode(), rented.asString());
        mike.get("/staff/overdue");
        assertEquals(token, mike.token, "the same token on every page of the session");
        Response returned = mike.post().formParam("inventoryId", copy).formParam("csrf-token", token).post("/staff/returns");
        assertEquals(303, returned.statusCode(), returned.asString());
        Response signOut = mike.keep(mike.post().formParam("csrf-token", token).post("/staff/sign-out"));
        assertEquals(303, signOut.statusCode());
        assertEquals(0, signOut.detailedCookie(COOKIE).getMaxAge(), "sign-out drops the CSRF cookie");
        mike.get("/staff").then().statusCode(302).header("Location", endsWith("/staff/sign-in"));
    }

    @Test
    void theJsonApiCannotBeDrivenByAFormOnAnotherSite() throws Exception {
        // a browser that once signed in to the API (HTTP Basic) sends the credentials with a cross-site form as well;
        // such a form can only be a form, multipart or text/plain: every API write refuses all three
        int copy = anyFreeCopy();
        int rental = Staff.mike().body("{\"customerId\":1,\"inventoryId\":" + copy + "}").post("/api/rentals")
                .then().statusCode(201).extract().jsonPath().getInt("rentalId");
        for (String path : List.of("/api/rentals", "/api/rentals/" + rental + "/return", "/api/rentals/returns")) {
            for (String type : List.of("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x")) {
                // sent raw, as a browser would (RestAssured will not send a form body to multipart)
                var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(io.restassured.RestAssured.baseURI + ":"
                        + io.restassured.RestAssured.port + path)).header("Content-Type", type).header("Authorization", "Basic "
                        + java.util.Base64.getEncoder().encodeToString(("Mike:" + Staff.password("Mike")).getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("inventoryId=" + copy)).build();
                var r = java.net.http.HttpClient.newHttpClient().send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
                assertTrue(r.statusCode() == 415 || r.statusCode() == 400, path + " as " + type + ": " + r.statusCode() + " " + r.body());
                assertTrue(r.body().contains("\"message\""), path + " as " + type + ": the error contract: " + r.body());
            }
        }
        // API clients that send JSON, or no body at all, return as before
        Staff.mike().post("/api/rentals/" + rental + "/return").then().statusCode(200);
        var noType = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                io.restassured.RestAssured.baseURI + ":" + io.restassured.RestAssured.port + "/api/rentals/" + rental + "/return"))
                .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(("Mike:" + Staff.password("Mike"))
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8))).POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(409, noType.statusCode(), "no Content-Type at all is still an API client: " + noType.body());
    }

    @Test
    void theCookieLivesOnlyOnTheStaffPagesAndIsHttpOnlyAndStrict() {
        for (String path : List.of("/", "/films", "/films/1", "/api/films", "/cluster", "/api/cluster")) {
            Response r = given().get(path);
            assertEquals(200, r.statusCode(), path);
            assertNull(r.detailedCookie(COOKIE), path + " sets no CSRF cookie");
        }
        var cookie = given().get("/staff/sign-in").detailedCookie(COOKIE);
        assertNotNull(cookie);
        assertTrue(cookie.isHttpOnly());
        assertEquals("Strict", cookie.getSameSite());
        assertEquals("/", cookie.getPath(), "the sign-in form posts to /j_security_check");
    }

    @Test
    void aDamagedCookieIsReplacedAndAFormPostedWithItFailsWithWords() throws Exception {
        // garbled, another size, not base64url: the extension alone would answer 400 to every page until it is deleted
        for (String damaged : List.of("not-a-token!", "AAAA", "A".repeat(40))) {
            Response catalog = given().cookie(COOKIE, damaged).get("/films");
            assertEquals(200, catalog.statusCode(), damaged + ": " + catalog.asString());
            assertEquals(0, catalog.detailedCookie(COOKIE).getMaxAge(), damaged + ": a page without forms drops it");
            Response page = given().cookie(COOKIE, damaged).get("/staff/sign-in");
            assertEquals(200, page.statusCode(), damaged);
            var fresh = page.detailedCookie(COOKIE);
            assertNotEquals(0, fresh.getMaxAge(), damaged + ": a form page replaces it");
            assertEquals(16, java.util.Base64.getUrlDecoder().decode(fresh.getValue()).length, fresh.getValue());
            assertEquals(Staff.formToken(page.asString()), fresh.getValue(), "the page's form carries the new token");
            assertTrue(fresh.isHttpOnly() && "Strict".equals(fresh.getSameSite()), fresh.toString());
        }
        // a signed-in browser whose cookie got damaged: its form is refused with words, the next page heals it
        Browser mike = Browser.signedIn("Mike");
        int copy = anyFreeCopy();
        mike.cookies.put(COOKIE, "damaged" + mike.cookies.get(COOKIE));
        Response refused = mike.keep(mike.post().formParam("csrf-token", mike.token).formParam("inventoryId", copy)
                .post("/staff/returns"));
        assertRefused(refused, 400, "a form with a damaged cookie");
        assertEquals(0, refused.detailedCookie(COOKIE).getMaxAge(), "the answer drops the damaged cookie");
        String before = mike.token;
        assertEquals(200, mike.get("/staff").statusCode());
        assertNotNull(mike.cookies.get(COOKIE), "a fresh cookie");
        assertNotEquals(before, mike.token, "and a fresh token, which becomes the session's");
        int customer = Staff.newCustomer("Heal" + System.nanoTime() % 100000);
        Response rented = mike.post().formParam("inventoryId", copy).formParam("csrf-token", mike.token)
                .post("/staff/customers/" + customer + "/rentals");
        assertEquals(303, rented.statusCode(), "the healed form works: " + rented.asString());
        assertEquals(303, mike.post().formParam("inventoryId", copy).formParam("csrf-token", mike.token).post("/staff/returns")
                .statusCode());
    }

    /** A copy at store 1 that nobody has out, from the films no other test rents (tests share the cluster). */
    private static int anyFreeCopy() throws Exception {
        return Staff.sqlInt("SELECT inventory_id FROM inventory i WHERE store_id = 1 AND film_id BETWEEN 900 AND 999 AND NOT EXISTS "
                + "(SELECT FROM rental r WHERE r.inventory_id = i.inventory_id AND r.return_date IS NULL) ORDER BY random() LIMIT 1");
    }

    private static void assertRefused(Response r, int status, String what) {
        assertEquals(status, r.statusCode(), what + ": " + r.asString());
        HostileInputTest.assertNo5xx(r);
        if (status != 415) {
            assertTrue(r.contentType().startsWith("text/html"), what + ": " + r.contentType());
            assertTrue(r.asString().contains(REFUSED), what + ": " + r.asString());
        }
    }
}
