package org.pagila.store.dashboard;

import static io.restassured.RestAssured.given;

import io.restassured.filter.cookie.CookieFilter;
import org.pagila.cluster.secrets.Secrets;
import org.pagila.cluster.secrets.StaffPasswords;
import org.pagila.store.cluster.TestCluster;

/** A browser-like staff session for the tests: signed in through the form, cookies kept. */
final class StaffSession {
    private StaffSession() {
    }

    static String password(String username) {
        return Secrets.load(TestCluster.settings().secretsFile()).get(StaffPasswords.secretsKey(username));
    }

    static CookieFilter signIn(String username) {
        CookieFilter cookies = new CookieFilter();
        given().filter(cookies).redirects().follow(false)
                .formParam("j_username", username).formParam("j_password", password(username))
                .post("/j_security_check").then().statusCode(302);
        return cookies;
    }

    /** The CSRF token a staff page puts in its forms (and the cookie it sets), read as a browser would. */
    static String csrfToken(CookieFilter session) {
        String page = given().filter(session).get("/staff").then().statusCode(200).extract().asString();
        return page.replaceAll("(?s).*name=\"csrf-token\" value=\"([^\"]+)\".*", "$1");
    }
}
