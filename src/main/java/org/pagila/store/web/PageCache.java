package org.pagila.store.web;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.Context;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.pagila.store.cluster.ClusterState;
import org.pagila.store.cluster.PatroniWatch;

/**
 * The store's own short-lived copy of catalog answers ({@link HttpCacheable} GETs that answered 200), kept
 * pagila.catalog.page-cache (1 s) so that a page asked for again meanwhile is sent from memory: no database read, no
 * rendering. A busy catalog page is read and rendered about once a second instead of once per visitor, and the
 * database's capacity goes to the long tail (a thousand film pages, searches). A customer sees a page at most that
 * much older than before, well inside the 10 s that Cache-Control already allows any browser or shared cache.
 * <p>
 * The key is the path and query as sent, plus what the shared layout shows besides the page's own data (the read-only
 * and split-brain banners, Patroni's leader): a failover changes the key, so the banner is never served stale.
 * Bounded by the bytes kept (pagila.catalog.page-cache-size), so that many distinct addresses cannot fill the heap.
 * <p>
 * One request renders a page that is not kept; the requests for it that arrive meanwhile wait for that answer instead
 * of rendering it too. Without this, every connection of a busy page missed at once when its copy expired: up to 16
 * renders of the same page competing for 2 cores, and the benchmark's p99 on kept routes went to 200 ms and more, once a
 * second, while their p95 stayed near 5 ms.
 * <p>
 * A page older than pagila.catalog.page-cache is stale: for pagila.catalog.page-cache-stale more it is still sent, and
 * the first request that finds it so has it rendered again in the background ({@link PageRefresh}), as HTTP's
 * stale-while-revalidate does. Without this, the request that found the copy expired rendered it while its client
 * waited: on the thousand film pages of the benchmark that was one request in eleven, and on 2 shared cores those
 * renderings made the film page's p99 60 ms while every copy kept answered in 4 ms.
 */
@ApplicationScoped
public class PageCache {

    /** One kept answer: the exact bytes sent the first time, with their type and validator. */
    public record Page(byte[] body, MediaType type, String etag, long keptAtNanos) {
        long ageSeconds() {
            return (System.nanoTime() - keptAtNanos) / 1_000_000_000L;
        }
    }

    @ConfigProperty(name = "pagila.catalog.page-cache")
    Duration keepFor;

    @ConfigProperty(name = "pagila.catalog.page-cache-stale")
    Duration sendStaleFor;

    @ConfigProperty(name = "pagila.catalog.page-cache-size")
    MemorySize maxSize;

    @Inject
    ClusterState cluster;

    @Inject
    PatroniWatch patroni;

    @Inject
    MeterRegistry registry;

    /**
     * The longest a request waits for another one's rendering of the same page before it renders its own: longer than a
     * read that fails over (3 s to acquire a connection), and a bound should a rendering never report back.
     */
    Duration waitForRender = Duration.ofSeconds(5);

    /** A request's duty to render a page that others may be waiting for: settle with keep or pass. */
    public record Claim(String key, CompletableFuture<Page> promise) {
        /** The answer may be kept: it becomes the kept page, and the waiting requests send it. */
        public void keep(byte[] body, MediaType type, String etag) {
            promise.complete(new Page(body, type, etag, System.nanoTime()));
        }

        /** The answer is not for keeping (not a 200, not a page): the waiting requests render their own. */
        public void pass() {
            promise.complete(null);
        }
    }

    /**
     * What a request finds: a page to send (stale when older than pagila.catalog.page-cache; refreshDue for the one
     * request that is to have it rendered again), or nothing, then it renders (and keeps the answer when it holds a claim).
     */
    public record Lookup(Optional<Page> kept, Optional<Claim> claim, boolean stale, boolean refreshDue) {
        static final Lookup RENDER_UNKEPT = new Lookup(Optional.empty(), Optional.empty(), false, false);

        static Lookup render(Claim claim) {
            return new Lookup(Optional.empty(), Optional.of(claim), false, false);
        }
    }

    private AsyncCache<String, Page> pages;

    /** Keys of stale pages being rendered again in the background: one refresh per page at a time. */
    private final Set<String> refreshing = ConcurrentHashMap.newKeySet();

    @PostConstruct
    void create() {
        if (isOn()) {
            Duration keptAtMost = keepFor.plus(sendsStale() ? sendStaleFor : Duration.ZERO);
            // Caffeine's own work (its upkeep, and its note on every replaced copy) runs on the thread that caused it.
            // Its default, the common ForkJoinPool, has one thread on 2 cores, and then CompletableFuture runs each
            // such task on a new thread instead: 53,332 threads started over ten 15 s runs of the film page's load.
            pages = Caffeine.newBuilder().executor(Runnable::run).expireAfterWrite(keptAtMost).maximumWeight(maxSize.asLongValue())
                    .weigher((String key, Page page) -> 2 * key.length() + page.body().length).recordStats().buildAsync();
            CaffeineCacheMetrics.monitor(registry, pages, "catalog-pages");
        }
    }

    private boolean sendsStale() {
        return !sendStaleFor.isZero() && !sendStaleFor.isNegative();
    }

    public boolean isOn() {
        return !keepFor.isZero() && !keepFor.isNegative();
    }

    /** The key of a request for pathAndQuery (raw, as sent) under the layout's current state. */
    public String key(String pathAndQuery) {
        return pathAndQuery + '\n' + layoutState();
    }

    /** What the shared layout (base.html) shows that is not the page's own data, now. */
    String layoutState() {
        return layoutState(cluster.isReadOnly(), cluster.getConflict(), patroni.isEnabled() ? patroni.leaderLabel() : null,
                patroni.isEnabled() ? patroni.syncLabel() : null);
    }

    /**
     * The layout's state as part of a key: every value base.html shows from outside the page (PageCacheKeyTest keeps
     * the two lists the same), so that two layouts that differ never share a kept page.
     */
    static String layoutState(boolean readOnly, String conflict, String patroniLeader, String patroniSync) {
        return String.join("|", readOnly ? "read-only" : "", Objects.toString(conflict, ""), Objects.toString(patroniLeader, ""),
                Objects.toString(patroniSync, ""));
    }

    /**
     * The page for key: kept, or being rendered by another request (then this one waits for that answer), or neither:
     * then this request claims it and renders it. A claim in flight does not expire; Caffeine starts the page's
     * pagila.catalog.page-cache when the claim is settled, drops it when passed (null), and a claim not settled within
     * waitForRender fails, so that it cannot hold the page (or weigh nothing in the cache forever).
     */
    public Lookup find(String key) {
        if (!isOn()) {
            return Lookup.RENDER_UNKEPT;
        }
        CompletableFuture<Page> mine = new CompletableFuture<>();
        CompletableFuture<Page> current = pages.get(key, (k, executor) -> mine.orTimeout(waitForRender.toMillis(), TimeUnit.MILLISECONDS));
        if (current == mine) {
            return Lookup.render(new Claim(key, mine));
        }
        Page page = await(key, current);
        if (page == null) {
            return Lookup.RENDER_UNKEPT;
        }
        boolean stale = System.nanoTime() - page.keptAtNanos() >= keepFor.toNanos();
        boolean refreshDue = stale && sendsStale() && refreshing.add(key);
        return new Lookup(Optional.of(page), Optional.empty(), stale, refreshDue);
    }

    /**
     * The duty of a background refresh of key (a request of {@link PageRefresh}): what it renders replaces the stale
     * copy, which is sent meanwhile. An answer not for keeping (the film is gone: 404) drops the stale copy too, so
     * that the next request gets that answer; a refresh that failed leaves it until it expires.
     */
    public Claim claimRefresh(String key) {
        CompletableFuture<Page> fresh = new CompletableFuture<>();
        fresh.orTimeout(waitForRender.toMillis(), TimeUnit.MILLISECONDS).whenComplete((page, failed) -> {
            if (page != null) {
                pages.put(key, CompletableFuture.completedFuture(page));
            } else if (failed == null) {
                pages.asMap().computeIfPresent(key, (k, kept) -> kept.isDone() ? null : kept);
            }
        });
        return new Claim(key, fresh);
    }

    /** The background refresh of key ended (kept, passed or failed): the next request to find it stale starts one. */
    public void refreshEnded(String key) {
        refreshing.remove(key);
    }

    /**
     * Another request's rendering; null when it was not kept or failed (the caller renders its own). Never waits on an
     * event-loop thread (catalog resources are blocking, so their filters run on workers).
     */
    private Page await(String key, CompletableFuture<Page> rendering) {
        if (!rendering.isDone() && Context.isOnEventLoopThread()) {
            return null;
        }
        Page page = null;
        try {
            page = rendering.get(); // bounded: the claim fails after waitForRender
        } catch (ExecutionException notSettledInTime) {
            // Caffeine drops it too, but from the thread that failed it, which may come after this one wakes up
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        if (page == null && rendering.isDone()) {
            pages.asMap().remove(key, rendering); // so that the next request claims the page afresh
        }
        return page;
    }
}
