package org.pagila.store.counter;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.filter.cookie.CookieFilter;
import io.restassured.response.Response;
import java.sql.Connection;
import org.junit.jupiter.api.Test;
import org.pagila.cluster.secrets.Secrets;
import org.pagila.cluster.secrets.StaffPasswords;
import org.pagila.store.cluster.TestCluster;
import org.pagila.store.web.Management;

/** Throttling, sessions that end, headers and cookies, and what is public: against the real store. */
@QuarkusTest
class SignInHardeningTest {

    @Test
    void failedSignInsForOneUsernameAreThrottledWith429AndRetryAfter() {
        String user = "guess" + System.nanoTime();
        for (int i = 0; i < Staff.signInLimit("pagila.sign-in.max-failures-per-username"); i++) {
            given().header("X-Forwarded-For", Staff.clientAddress()).auth().preemptive().basic(user, "wrong" + i)
                    .get("/api/customers/1").then().statusCode(401);
        }
        Response refused = given().header("X-Forwarded-For", Staff.clientAddress()).auth().preemptive().basic(user, "another")
                .get("/api/customers/1");
        assertEquals(429, refused.statusCode(), refused.asString());
        assertTrue(Integer.parseInt(refused.header("Retry-After")) > 0);
        assertTrue(refused.jsonPath().getString("message").contains("Too many failed sign-ins"));
        // the form is throttled for that username too, and lands on a page that says so
        Staff.signInForm(user, "x").header("X-Forwarded-For", Staff.clientAddress()).post("/j_security_check")
                .then().statusCode(302).header("Location", endsWith("/staff/sign-in?error=throttled"));
        given().get("/staff/sign-in?error=throttled").then().statusCode(429).header("Retry-After", org.hamcrest.Matchers.notNullValue())
                .body(containsString("Too many failed sign-ins"));
    }

    @Test
    void failedSignInsFromOneAddressAreThrottledForEveryUsername() {
        String from = "198.51.100." + (1 + (int) (Math.random() * 250));
        for (int i = 0; i < Staff.signInLimit("pagila.sign-in.max-failures-per-address"); i++) {
            given().header("X-Forwarded-For", from).auth().preemptive().basic("user" + i + "-" + System.nanoTime(), "x")
                    .get("/api/customers/1").then().statusCode(401);
        }
        given().header("X-Forwarded-For", from).auth().preemptive().basic("Mike", Staff.password("Mike"))
                .get("/api/customers/1").then().statusCode(429).header("Retry-After", org.hamcrest.Matchers.notNullValue());
        given().header("X-Forwarded-For", Staff.clientAddress()).auth().preemptive().basic("Mike", Staff.password("Mike"))
                .get("/api/customers/1").then().statusCode(200);
    }

    @Test
    void signOutEndsTheSessionForEveryCopyOfItsCookies() {
        CookieFilter session = Staff.signIn("Jon");
        var cookies = given().filter(session).get("/staff").then().statusCode(200).extract().detailedCookies();
        String token = Staff.csrfToken(session);
        given().filter(session).redirects().follow(false).formParam("csrf-token", token).post("/staff/sign-out").then().statusCode(303);
        given().cookies(cookies).redirects().follow(false).get("/staff").then().statusCode(302)
                .header("Location", endsWith("/staff/sign-in"));
    }

    @Test
    void aPasswordResetEndsSessionsAndCachedCredentials() throws Exception {
        CookieFilter session = Staff.signIn("Mike");
        String old = Staff.password("Mike");
        given().auth().preemptive().basic("Mike", old).get("/api/customers/1").then().statusCode(200); // now cached
        try (Connection owner = TestCluster.superuser("primary", "pagila")) {
            StaffPasswords.reset(owner, Secrets.load(TestCluster.settings().secretsFile()), "Mike");
        }
        org.awaitility.Awaitility.await("the reset replicates").atMost(java.time.Duration.ofSeconds(10))
                .pollInterval(java.time.Duration.ofSeconds(1))
                .until(() -> given().auth().preemptive().basic("Mike", old).get("/api/customers/1").statusCode() == 401);
        given().filter(session).redirects().follow(false).get("/staff").then().statusCode(302);
        given().auth().preemptive().basic("Mike", Staff.password("Mike")).get("/api/customers/1").then().statusCode(200);
    }

    @Test
    void aSignInFormFromAnotherSiteIsRefused() {
        // even with a valid token and password: the browser says the form came from another site
        for (var foreign : java.util.Map.of("Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example").entrySet()) {
            Staff.signInForm("Mike", Staff.password("Mike")).header(foreign.getKey(), foreign.getValue()).post("/j_security_check")
                    .then().statusCode(302).header("Location", endsWith("/staff/sign-in?error=expired"))
                    .header("Set-Cookie", org.hamcrest.Matchers.anyOf(nullValue(), not(containsString("pagila-session="))));
        }
        given().get("/staff/sign-in?error=expired").then().statusCode(403).body(containsString("did not come from this page"))
                .body(containsString("j_security_check"));
    }

    @Test
    void pagesCarrySecurityHeadersAndStaffPagesAreNeverCached() {
        for (String path : new String[] {"/", "/films", "/staff/sign-in", "/api/films", "/no-such-page"}) {
            given().get(path).then()
                    .header("Content-Security-Policy", containsString("default-src 'self'"))
                    .header("Content-Security-Policy", containsString("frame-ancestors 'none'"))
                    .header("Content-Security-Policy", not(containsString("unsafe-inline")))
                    .header("X-Content-Type-Options", "nosniff")
                    .header("Referrer-Policy", "same-origin");
        }
        CookieFilter session = Staff.signIn("Mike");
        given().filter(session).get("/staff").then().statusCode(200).header("Cache-Control", "no-store");
        Staff.mike().get("/api/customers/1").then().statusCode(200).header("Cache-Control", "no-store");
        given().get("/films").then().header("Cache-Control", not(containsString("no-store")));
    }

    @Test
    void sessionCookiesAreHttpOnlyAndStrict() {
        Response signIn = Staff.signInForm("Mike", Staff.password("Mike")).post("/j_security_check");
        assertEquals(302, signIn.statusCode());
        for (String name : new String[] {"pagila-staff", "pagila-session"}) {
            var cookie = signIn.detailedCookie(name);
            assertTrue(cookie != null && cookie.isHttpOnly(), name + " is HttpOnly");
            assertEquals("Strict", cookie.getSameSite(), name);
        }
    }

    @Test
    void behindATlsProxyEveryCookieIsSecure() {
        // the test profile trusts X-Forwarded-Proto as behind a TLS-terminating proxy (pagila.http.behind-proxy)
        CookieFilter browser = new CookieFilter();
        Response page = given().filter(browser).header("X-Forwarded-Proto", "https").get("/staff/sign-in");
        assertTrue(page.detailedCookie("pagila-form-token").isSecured(), "the CSRF cookie is Secure");
        Response signIn = Staff.signInForm(browser, "Mike", Staff.password("Mike")).header("X-Forwarded-Proto", "https")
                .post("/j_security_check");
        assertEquals(302, signIn.statusCode());
        for (String name : new String[] {"pagila-staff", "pagila-session"}) {
            assertTrue(signIn.detailedCookie(name).isSecured(), name + " is Secure behind a TLS proxy");
        }
        // without the proxy's word the same cookies are not Secure (plain HTTP on the classroom network)
        Response plain = Staff.signInForm("Mike", Staff.password("Mike")).post("/j_security_check");
        assertTrue(!plain.detailedCookie("pagila-session").isSecured(), "plain HTTP: not Secure");
    }

    @Test
    void managementEndpointsAreOffThePublicPortAndJsonCarriesNoDriverText() {
        given().get("/q/health/ready").then().statusCode(404);
        given().get("/q/metrics").then().statusCode(404);
        given().get(Management.url("/q/health/ready")).then().statusCode(200);
        given().get("/api/cluster").then().statusCode(200).body(not(containsString("PSQL")))
                .body(not(containsString("Connection to")));
        // the contract lists the error statuses of every resource
        given().accept("application/json").get(Management.url("/q/openapi")).then().statusCode(200)
                .body("paths.'/api/rentals'.post.responses.'409'", org.hamcrest.Matchers.notNullValue())
                .body("paths.'/api/rentals'.post.responses.'201'", org.hamcrest.Matchers.notNullValue())
                .body("paths.'/api/films'.get.responses.'400'", org.hamcrest.Matchers.notNullValue())
                .body("paths.'/api/films'.get.responses.'200'", org.hamcrest.Matchers.notNullValue())
                .body("paths.'/api/customers/{id}'.get.responses.'401'", org.hamcrest.Matchers.notNullValue())
                .body("paths.'/api/customers/{id}'.get.responses.'404'", org.hamcrest.Matchers.notNullValue());
    }
}
