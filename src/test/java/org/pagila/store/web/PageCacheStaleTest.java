package org.pagila.store.web;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.ws.rs.core.MediaType;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A copy older than pagila.catalog.page-cache is sent stale while one background refresh renders it again (the decision
 * logic; PageCacheTest shows the refresh on the running store). No Quarkus, no cluster.
 */
class PageCacheStaleTest {
    private static final byte[] OLD = "<html>old</html>".getBytes();
    private static final byte[] NEW = "<html>new</html>".getBytes();
    private static final Duration KEEP = Duration.ofMillis(200);

    /** A cache holding OLD for key, kept at once; stale after KEEP, sent stale for sendStaleFor more. */
    private static PageCache keeping(String key, Duration sendStaleFor) {
        PageCache cache = PageCacheClaimTest.cache(KEEP, sendStaleFor);
        cache.find(key).claim().orElseThrow().keep(OLD, MediaType.TEXT_HTML_TYPE, "\"old\"");
        return cache;
    }

    private static void untilStale(PageCache cache, String key) {
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).until(() -> cache.find(key).stale());
    }

    @Test
    void aYoungCopyIsSentAsItIs() {
        PageCache cache = keeping("/films/1", Duration.ofSeconds(10));
        PageCache.Lookup got = cache.find("/films/1");
        assertArrayEquals(OLD, got.kept().orElseThrow().body());
        assertFalse(got.stale() || got.refreshDue(), "within its time: neither stale nor due for a refresh");
    }

    @Test
    void anOldCopyIsSentStaleAndOneRequestStartsItsRefresh() {
        PageCache cache = keeping("/films/2", Duration.ofSeconds(10));
        untilStale(cache, "/films/2"); // that lookup was the first to find it stale: its refresh is due
        PageCache.Lookup again = cache.find("/films/2");
        assertArrayEquals(OLD, again.kept().orElseThrow().body(), "sent meanwhile");
        assertTrue(again.stale());
        assertFalse(again.refreshDue(), "one refresh at a time: the next requests only send the stale copy");
        cache.refreshEnded("/films/2");
        assertTrue(cache.find("/films/2").refreshDue(), "a refresh that ended without a new copy: the next one starts another");
    }

    @Test
    void aRefreshReplacesTheStaleCopy() {
        PageCache cache = keeping("/films/3", Duration.ofSeconds(10));
        untilStale(cache, "/films/3");
        cache.claimRefresh("/films/3").keep(NEW, MediaType.TEXT_HTML_TYPE, "\"new\"");
        PageCache.Lookup got = cache.find("/films/3");
        assertArrayEquals(NEW, got.kept().orElseThrow().body());
        assertFalse(got.stale(), "the new copy's time starts now");
    }

    @Test
    void aRefreshAnsweredWithAnErrorDropsTheStaleCopy() {
        PageCache cache = keeping("/films/4", Duration.ofSeconds(10));
        untilStale(cache, "/films/4");
        cache.claimRefresh("/films/4").pass(); // the film is gone (404): its old page must not be sent for seconds more
        assertTrue(cache.find("/films/4").claim().isPresent(), "the next request renders it and gets that answer");
    }

    @Test
    void aRefreshThatNeverReportsBackLeavesTheStaleCopyUntilItExpires() {
        PageCache cache = keeping("/films/5", Duration.ofSeconds(10));
        cache.waitForRender = Duration.ofMillis(100);
        untilStale(cache, "/films/5");
        PageCache.Claim lost = cache.claimRefresh("/films/5");
        await().atMost(Duration.ofSeconds(5)).until(() -> lost.promise().isDone());
        // the failed refresh's bookkeeping runs on the thread that failed it, maybe after isDone: the copy must stay
        // kept for a while, not just at the first look (that first look passed with the copy dropped on failure)
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20))
                .until(() -> cache.find("/films/5").kept().map(PageCache.Page::body).filter(body -> java.util.Arrays.equals(body, OLD)).isPresent());
    }

    @Test
    void withoutATimeToSendStaleAnOldCopyIsRenderedByTheRequestThatFindsIt() {
        PageCache cache = keeping("/films/6", Duration.ZERO);
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                .until(() -> cache.find("/films/6").claim().isPresent());
    }

    @Test
    void aCopyOlderThanBothTimesIsGone() {
        PageCache cache = keeping("/films/7", Duration.ofMillis(300));
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                .until(() -> cache.find("/films/7").claim().isPresent());
    }
}
