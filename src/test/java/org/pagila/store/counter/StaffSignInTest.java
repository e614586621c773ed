package org.pagila.store.counter;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.filter.cookie.CookieFilter;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pagila.cluster.secrets.Secrets;
import org.pagila.cluster.secrets.StaffPasswords;
import org.pagila.store.cluster.TestCluster;
import org.pagila.store.staff.BasicChallenge;

/** Sign-in is required everywhere at the counter; wrong passwords and forged forms are refused. */
@QuarkusTest
class StaffSignInTest {
    private static final List<String> PAGES = List.of("/staff", "/staff/customers?q=smith", "/staff/customers/1",
            "/staff/customers/1/rent?film=academy", "/staff/rentals/1", "/staff/overdue");
    private static final List<String> PAGE_FORMS = List.of("/staff/customers/1/rentals", "/staff/rentals/1/return",
            "/staff/returns", "/staff/sign-out");
    private static final List<String> API_READS = List.of("/api/customers?q=smith", "/api/customers/1", "/api/customers/1/rentals",
            "/api/rentals/1", "/api/rentals/overdue", "/api/rentals/copies?filmId=1");
    private static final List<String> API_WRITES = List.of("/api/rentals", "/api/rentals/1/return", "/api/rentals/returns");

    @Test
    void everyStaffPageRedirectsToTheSignInPage() {
        for (String page : PAGES) {
            given().redirects().follow(false).get(page)
                    .then().statusCode(302).header("Location", endsWith("/staff/sign-in"));
        }
        for (String form : PAGE_FORMS) {
            given().redirects().follow(false).formParam("inventoryId", "1").post(form)
                    .then().statusCode(302).header("Location", endsWith("/staff/sign-in"));
        }
    }

    @Test
    void everyStaffApiAnswers401WithoutARedirect() {
        for (String path : API_READS) {
            given().redirects().follow(false).get(path).then().statusCode(401)
                    .header("WWW-Authenticate", "basic realm=\"Pagila Store\"").body("message", is(BasicChallenge.MESSAGE));
        }
        for (String path : API_WRITES) {
            given().redirects().follow(false).contentType("application/json").body("{\"customerId\":1,\"inventoryId\":1}")
                    .post(path).then().statusCode(401)
                    .header("WWW-Authenticate", "basic realm=\"Pagila Store\"").body("message", is(BasicChallenge.MESSAGE));
        }
        // another scheme is no Basic credentials either
        given().header("Authorization", "Bearer abc").get("/api/customers/1").then().statusCode(401)
                .header("WWW-Authenticate", "basic realm=\"Pagila Store\"").body("status", is(401));
        // a name of its own and an address of its own: the failure counts toward no other test's sign-in throttle
        given().header("X-Forwarded-For", Staff.clientAddress()).auth().preemptive().basic("realm-check", "not-a-password")
                .get("/api/customers/1").then().statusCode(401);
    }

    @Test
    void theSignInPageIsPublicAndAWrongPasswordIsRejected() {
        given().get("/staff/sign-in").then().statusCode(200).body(containsString("j_security_check"));
        Staff.signInForm("Mike", "wrong").post("/j_security_check")
                .then().statusCode(302).header("Location", endsWith("/staff/sign-in?error=true"))
                .header("Set-Cookie", org.hamcrest.Matchers.not(containsString("pagila-staff=")));
        given().get("/staff/sign-in?error=true").then().statusCode(200).body(containsString("did not match"));
    }

    @Test
    void signedInStaffSeeTheCounterAndSignOutEndsTheSession() {
        CookieFilter session = Staff.signIn("Jon");
        given().filter(session).get("/staff").then().statusCode(200)
                .body(containsString("Jon Stephens")).body(containsString("store 2"));
        String token = Staff.csrfToken(session);
        given().filter(session).redirects().follow(false).formParam("csrf-token", token).post("/staff/sign-out")
                .then().statusCode(303).header("Location", endsWith("/staff/sign-in?signed-out=true"));
        given().filter(session).redirects().follow(false).get("/staff").then().statusCode(302);
    }

    /** A refused API sign-in names its realm, as RFC 7617 asks of a Basic challenge, and says why in JSON. */
    @Test
    void aWrongApiPasswordGetsABasicChallengeWithItsRealm() {
        // a name of its own and an address of its own: the failure counts toward no other test's sign-in throttle
        given().header("X-Forwarded-For", Staff.clientAddress()).auth().preemptive().basic("realm-check", "not-a-password")
                .get("/api/customers/1").then().statusCode(401)
                .header("WWW-Authenticate", "basic realm=\"Pagila Store\"").body("status", is(401))
                .body("message", is("That username and password do not match a staff member."));
    }

    /** A page number past the end of a paged counter list says so and links to the first page, not to page - 1. */
    @Test
    void aCounterPagePastTheEndSaysSo() {
        CookieFilter session = Staff.signIn("Mike");
        given().filter(session).get("/staff/overdue?page=9999").then().statusCode(200)
                .body(containsString("Page 9999 is past the end of the overdue report"))
                .body(containsString("href=\"/staff/overdue\"")).body(not(containsString("page=9998")));
        given().filter(session).get("/staff/customers/1?page=9999").then().statusCode(200)
                .body(containsString("Page 9999 is past the end of this customer's history"))
                .body(not(containsString("page=9998")));
    }

    @Test
    void aFormWithoutItsCsrfTokenIsRejected() throws Exception {
        CookieFilter session = Staff.signIn("Mike");
        String token = Staff.csrfToken(session);
        int copy = Staff.freeCopy(1, 1);
        // quarkus-rest-csrf refuses both with 400 (CsrfTest has the other cases)
        given().filter(session).redirects().follow(false).formParam("inventoryId", copy).post("/staff/customers/1/rentals")
                .then().statusCode(400).body(containsString("This form has expired"));
        given().filter(session).redirects().follow(false).formParam("inventoryId", copy).formParam("csrf-token", token + "x")
                .post("/staff/customers/1/rentals").then().statusCode(400);
        assertEquals(0, Staff.sqlInt("SELECT count(*) FROM rental WHERE inventory_id = " + copy + " AND return_date IS NULL"),
                "a refused form wrote nothing");
        given().filter(session).redirects().follow(false).formParam("csrf-token", token).post("/staff/sign-out")
                .then().statusCode(303);
    }

    private static final String PAGILA_STAFF_PASSWORD = "12345";

    private static String sha1Hex(String text) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-1")
                .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    @Test
    void passwordsAreBcryptHashesAndAResetReplacesThePassword() throws Exception {
        String old = Staff.password("Mike");
        try (Connection owner = TestCluster.superuser("primary", "pagila")) {
            assertTrue(TestCluster.count(owner, "SELECT count(*) FROM staff_credential WHERE password_hash LIKE '$2a$10$%'") == 2,
                    "both staff have a bcrypt hash");
            // Pagila's own staff.password is the unsalted SHA-1 of "12345" for both staff: check that premise, then
            // that neither the password nor its hash opens the counter.
            assertEquals(2, TestCluster.count(owner, "SELECT count(*) FROM staff WHERE password = '" + sha1Hex(PAGILA_STAFF_PASSWORD) + "'"), "Pagila's SHA-1 column holds sha1('12345')");
            for (String attempt : List.of(PAGILA_STAFF_PASSWORD, sha1Hex(PAGILA_STAFF_PASSWORD))) {
                given().auth().preemptive().basic("Mike", attempt).get("/api/customers/1").then().statusCode(401);
                Staff.signInForm("Mike", attempt).post("/j_security_check").then().statusCode(302).header("Location", endsWith("/staff/sign-in?error=true"));
            }
            String fresh = StaffPasswords.reset(owner, Secrets.load(TestCluster.settings().secretsFile()), "Mike");
            assertNotEquals(old, fresh);
            assertEquals(fresh, Staff.password("Mike"), "the secrets file keeps the new password");
        }
        // sign-in reads the hash on a standby: the reset counts once it has replicated (a fraction of a second)
        org.awaitility.Awaitility.await("the reset replicates").atMost(java.time.Duration.ofSeconds(10))
                .pollInterval(java.time.Duration.ofMillis(250))
                .until(() -> given().auth().preemptive().basic("Mike", old).get("/api/customers/1").statusCode() == 401);
        given().auth().preemptive().basic("Mike", Staff.password("Mike")).get("/api/customers/1")
                .then().statusCode(200).body("id", is(1));
    }

    @Test
    void theStoresRoleCannotChangeCredentials() throws Exception {
        try (Connection app = TestCluster.as("primary", "pagila", Secrets.APP_USER); var s = app.createStatement()) {
            var denied = org.junit.jupiter.api.Assertions.assertThrows(java.sql.SQLException.class,
                    () -> s.execute("UPDATE staff_credential SET password_hash = 'x'"));
            assertEquals("42501", denied.getSQLState());
        }
    }
}
