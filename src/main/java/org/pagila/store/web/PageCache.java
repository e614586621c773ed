package org.pagila.store.web;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import io.quarkus.runtime.configuration.MemorySize;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
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

    @ConfigProperty(name = "pagila.catalog.page-cache-size")
    MemorySize maxSize;

    @Inject
    ClusterState cluster;

    @Inject
    PatroniWatch patroni;

    @Inject
    MeterRegistry registry;

    private Cache<String, Page> pages;

    @PostConstruct
    void create() {
        if (isOn()) {
            pages = Caffeine.newBuilder().expireAfterWrite(keepFor).maximumWeight(maxSize.asLongValue())
                    .weigher((String key, Page page) -> 2 * key.length() + page.body().length).recordStats().build();
            CaffeineCacheMetrics.monitor(registry, pages, "catalog-pages");
        }
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

    public Optional<Page> get(String key) {
        return isOn() ? Optional.ofNullable(pages.getIfPresent(key)) : Optional.empty();
    }

    public void keep(String key, byte[] body, MediaType type, String etag) {
        if (isOn()) {
            pages.put(key, new Page(body, type, etag, System.nanoTime()));
        }
    }
}
