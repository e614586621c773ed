package org.pagila.store.web;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.util.function.Supplier;

/** What PageCacheTest and TlsTest check of the page cache's background refresh, over HTTP and over HTTPS. */
public final class StaleCopyCheck {
    private StaleCopyCheck() {
    }

    /**
     * A copy past pagila.catalog.page-cache (1 s) is sent stale without a node read, and a fresh copy follows that no
     * request of the caller rendered. Without the refresh the copy would stay stale until it expired (6 s after it was
     * kept) and then one request would render it (X-Served-By).
     */
    public static void staleCopyIsRenderedAgain(Supplier<RequestSpecification> client, String url) throws Exception {
        client.get().get(url).then().statusCode(200);
        Thread.sleep(1_300); // past the page cache's second, within the 5 s more it may be sent stale
        Response stale = client.get().get(url).then().statusCode(200).header("X-Cache", "stale").extract().response();
        assertNull(stale.header("X-Served-By"), "the stale copy is sent as it is: this request read no node");
        assertTrue(Integer.parseInt(stale.header("Age")) >= 1);
        await().atMost(Duration.ofMillis(1_500)).pollInterval(Duration.ofMillis(50)).until(() -> {
            Response next = client.get().get(url).then().statusCode(200).extract().response();
            assertNull(next.header("X-Served-By"), "no customer's request rendered the page");
            return "hit".equals(next.header("X-Cache"));
        });
    }
}
