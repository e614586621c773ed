package org.pagila.store.web;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.runtime.configuration.MemorySize;
import jakarta.ws.rs.core.MediaType;
import java.math.BigInteger;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * One request renders a page that is not kept; the others that ask for it meanwhile wait for that answer (the decision
 * logic; PageCacheTest shows it on the running store). No Quarkus, no cluster.
 */
class PageCacheClaimTest {
    private static final byte[] PAGE = "<html>films</html>".getBytes();

    private static PageCache cache(Duration keepFor) {
        return cache(keepFor, Duration.ZERO);
    }

    /** A page cache as the store makes it, keeping pages keepFor and sending them stale sendStaleFor more. */
    static PageCache cache(Duration keepFor, Duration sendStaleFor) {
        PageCache cache = new PageCache();
        cache.keepFor = keepFor;
        cache.sendStaleFor = sendStaleFor;
        cache.maxSize = new MemorySize(BigInteger.valueOf(1 << 20));
        cache.registry = new SimpleMeterRegistry();
        cache.create();
        return cache;
    }

    private static CompletableFuture<PageCache.Lookup> askMeanwhile(PageCache cache, String key) {
        return CompletableFuture.supplyAsync(() -> cache.find(key));
    }

    /** Another request for the claimed page, returned once it is blocked on the claim (its get() is a dependent). */
    private static CompletableFuture<PageCache.Lookup> waitingFor(PageCache.Claim claim, PageCache cache) {
        int before = claim.promise().getNumberOfDependents();
        CompletableFuture<PageCache.Lookup> waiting = askMeanwhile(cache, claim.key());
        await().atMost(Duration.ofSeconds(5)).until(() -> claim.promise().getNumberOfDependents() > before);
        return waiting;
    }

    @Test
    void theFirstRequestClaimsThePageAndTheOthersGetItsAnswer() throws Exception {
        PageCache cache = cache(Duration.ofSeconds(1));
        PageCache.Claim claim = cache.find("/films").claim().orElseThrow();
        CompletableFuture<PageCache.Lookup> waiting = waitingFor(claim, cache);
        assertFalse(waiting.isDone(), "waits for the rendering instead of rendering the page too");

        claim.keep(PAGE, MediaType.TEXT_HTML_TYPE, "\"e1\"");
        PageCache.Lookup got = waiting.get(1, TimeUnit.SECONDS);
        assertTrue(got.claim().isEmpty(), "renders nothing");
        assertArrayEquals(PAGE, got.kept().orElseThrow().body());
        assertEquals("\"e1\"", cache.find("/films").kept().orElseThrow().etag(), "then kept for the next requests");
    }

    @Test
    void anAnswerNotForKeepingSendsTheWaitingRequestsToRenderTheirOwn() throws Exception {
        PageCache cache = cache(Duration.ofSeconds(1));
        PageCache.Claim claim = cache.find("/films/99999").claim().orElseThrow();
        CompletableFuture<PageCache.Lookup> waiting = waitingFor(claim, cache);
        claim.pass();
        PageCache.Lookup got = waiting.get(1, TimeUnit.SECONDS);
        assertTrue(got.kept().isEmpty() && got.claim().isEmpty(), "renders its own answer and keeps nothing");
        assertTrue(cache.find("/films/99999").claim().isPresent(), "nothing kept: the next request claims the page afresh");
    }

    @Test
    void aClaimThatNeverReportsBackHoldsThePageOnlyForTheWait() throws Exception {
        PageCache cache = cache(Duration.ofSeconds(1));
        cache.waitForRender = Duration.ofSeconds(1);
        PageCache.Claim neverSettled = cache.find("/films").claim().orElseThrow();
        PageCache.Lookup got = waitingFor(neverSettled, cache).get(5, TimeUnit.SECONDS);
        assertTrue(got.kept().isEmpty() && got.claim().isEmpty(), "after the wait it renders its own");
        assertTrue(cache.find("/films").claim().isPresent(), "and the stuck claim no longer holds the page");
    }

    @Test
    void aKeptPageExpiresAfterItsTimeCountedFromTheRendering() throws Exception {
        PageCache cache = cache(Duration.ofSeconds(1));
        PageCache.Claim claim = cache.find("/").claim().orElseThrow();
        Thread.sleep(1200); // a slow rendering: its copy's time starts when it is kept, not when it was claimed
        claim.keep(PAGE, MediaType.TEXT_HTML_TYPE, "\"e2\"");
        assertTrue(cache.find("/").kept().isPresent());
        Thread.sleep(1200);
        assertTrue(cache.find("/").claim().isPresent(), "expired: the next request renders it again");
    }

    @Test
    void offMeansEveryRequestRendersAndNothingIsKept() {
        PageCache cache = cache(Duration.ZERO);
        for (int i = 0; i < 2; i++) {
            PageCache.Lookup got = cache.find("/films");
            assertTrue(got.kept().isEmpty() && got.claim().isEmpty());
        }
    }
}
