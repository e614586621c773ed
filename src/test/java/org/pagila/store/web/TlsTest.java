package org.pagila.store.web;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.filter.cookie.CookieFilter;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;
import org.pagila.store.counter.Staff;

/**
 * TLS as the README documents it: the classroom certificate, HTTPS, plain HTTP redirected, Secure cookies, HSTS, and
 * the page cache's background refresh over HTTPS.
 */
@QuarkusTest
@TestProfile(TlsProfile.class)
class TlsTest {
    private static String https(String path) {
        return "https://localhost:" + TlsProfile.httpsPort() + path;
    }

    @Test
    void httpsServesAndPlainHttpIsRedirectedThere() {
        given().relaxedHTTPSValidation().get(https("/films")).then().statusCode(200)
                .header("Strict-Transport-Security", startsWith("max-age="));
        int httpPort = org.eclipse.microprofile.config.ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
        Response plain = given().redirects().follow(false).get("http://localhost:" + httpPort + "/films?page=2");
        assertTrue(plain.statusCode() == 301 || plain.statusCode() == 302 || plain.statusCode() == 307 || plain.statusCode() == 308,
                "plain HTTP is redirected: " + plain.statusCode());
        assertEquals(https("/films?page=2"), plain.header("Location"));
    }

    @Test
    void aStaleCopyIsRenderedAgainOverHttps() throws Exception {
        // the refresh asks the store on the connection's port: HTTPS, with the classroom certificate
        StaleCopyCheck.staleCopyIsRenderedAgain(() -> given().relaxedHTTPSValidation(), https("/films/21"));
    }

    @Test
    void everyCookieIsSecureOverHttps() {
        CookieFilter browser = new CookieFilter();
        Response page = given().relaxedHTTPSValidation().filter(browser).get(https("/staff/sign-in"));
        assertEquals(200, page.statusCode());
        assertTrue(page.detailedCookie("pagila-form-token").isSecured(), "the CSRF cookie is Secure");
        String token = page.asString().replaceAll("(?s).*name=\"csrf-token\" value=\"([^\"]+)\".*", "$1");
        Response signIn = given().relaxedHTTPSValidation().filter(browser).redirects().follow(false)
                .formParam("csrf-token", token).formParam("j_username", "Mike").formParam("j_password", Staff.password("Mike"))
                .post(https("/j_security_check"));
        assertEquals(302, signIn.statusCode(), signIn.asString());
        for (String name : new String[] {"pagila-staff", "pagila-session"}) {
            assertTrue(signIn.detailedCookie(name).isSecured(), name + " is Secure");
        }
        given().relaxedHTTPSValidation().filter(browser).get(https("/staff")).then().statusCode(200)
                .body(containsString("Mike Hillyer"));
    }
}
