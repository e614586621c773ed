package org.pagila.store.catalog;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.emptyString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

/** Catalog answers carry Cache-Control and an ETag and revalidate to 304; staff and cluster answers never do. */
@QuarkusTest
class CatalogCachingTest {

    @Test
    void catalogJsonRevalidatesToNotModified() {
        for (String path : new String[] {"/api/films/1", "/api/categories", "/api/films?rating=PG"}) {
            Response first = given().get(path).then().statusCode(200).header("Cache-Control", is("public, max-age=10")).extract().response();
            String etag = first.header("ETag");
            assertTrue(etag != null && etag.startsWith("\""), path + " ETag " + etag);
            given().header("If-None-Match", etag).get(path).then().statusCode(304).header("ETag", is(etag)).body(is(emptyString()));
            given().header("If-None-Match", "\"something-else\"").get(path).then().statusCode(200);
        }
    }

    @Test
    void aPageRevalidatesWhenTheSameNodeServesItAgain() {
        Response first = given().get("/films/1").then().statusCode(200).header("Cache-Control", is("public, max-age=10")).extract().response();
        String etag = first.header("ETag");
        // the footer names the node that served the page, so another node's page is another representation
        boolean notModified = false;
        for (int i = 0; i < 30 && !notModified; i++) {
            Response again = given().header("If-None-Match", etag).get("/films/1");
            notModified = again.statusCode() == 304;
            assertTrue(notModified || (again.statusCode() == 200 && !again.header("X-Served-By").equals(first.header("X-Served-By"))),
                    "same node, same bytes: 304; else a 200 from another node (" + again.statusCode() + ")");
        }
        assertTrue(notModified, "a 304 once the same node served /films/1 again");
    }

    @Test
    void staffClusterAndErrorAnswersAreNotCached() {
        given().get("/staff/sign-in").then().statusCode(200).header("ETag", nullValue());
        given().redirects().follow(false).get("/staff").then().header("ETag", nullValue());
        given().get("/api/cluster").then().statusCode(200).header("ETag", nullValue()).header("Cache-Control", nullValue());
        given().get("/api/customers?q=smith").then().statusCode(401).header("ETag", nullValue());
        given().get("/films/99999").then().statusCode(404).header("ETag", nullValue());
    }
}
