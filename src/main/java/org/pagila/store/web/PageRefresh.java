package org.pagila.store.web;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.jboss.logging.Logger;

/**
 * Renders a stale page of the {@link PageCache} again in the background, the way a caching proxy revalidates with its
 * origin: the store asks itself for the page, on the address and port the stale request arrived on, over TLS when that
 * one came over TLS. The request carries this process's random token in {@value #HEADER}; {@link HttpCaching} then
 * skips the cache for it and keeps what it renders. Nobody else can make the store bypass its cache: a request without
 * the token (or with a wrong one) is an ordinary request.
 * <p>
 * The answer's body is thrown away here: the store's own response filter keeps the page. So this client needs no
 * trust in the connection (trustAll, no host check for a self-signed classroom certificate): what a connection to the
 * wrong place could learn is the token, which only lets a request render what it asked for.
 * <p>
 * At most {@link #CONNECTIONS} refreshes render at once: on a busy store they queue (at most {@value #QUEUED}, more
 * fail and their pages are found stale again), pages get older within pagila.catalog.page-cache-stale, and then expire
 * and are rendered by the request that asks for them, as without this.
 */
@ApplicationScoped
public class PageRefresh {
    private static final Logger LOG = Logger.getLogger(PageRefresh.class);
    static final String HEADER = "X-Page-Cache-Refresh";
    /**
     * Renderings are CPU work: more at once than there are cores only compete with the requests. With 8 on 2 cores the
     * benchmark's film page lost a third of its throughput (the store's CPU per request 170 us, against 100 without
     * refreshes); with 2 it kept it.
     */
    static final int CONNECTIONS = Math.max(2, Runtime.getRuntime().availableProcessors());
    static final int QUEUED = 2_000;

    @Inject
    Vertx vertx;

    @Inject
    PageCache pages;

    @Inject
    MeterRegistry registry;

    private String tokenText;
    private HttpClient client;
    private Counter answered;
    private Counter failed;
    /** Where every refresh's exchange runs: one event-loop context of its own (see refresh). */
    private volatile Context context;

    @PostConstruct
    void create() {
        byte[] token = new byte[16];
        new SecureRandom().nextBytes(token);
        tokenText = HexFormat.of().formatHex(token);
        client = vertx.createHttpClient(new HttpClientOptions().setMaxPoolSize(CONNECTIONS).setMaxWaitQueueSize(QUEUED)
                .setKeepAlive(true).setTrustAll(true).setVerifyHost(false));
        answered = refreshes("answered", "The store answered its own background refresh of a stale catalog page");
        failed = refreshes("failed", "A background refresh of a stale catalog page got no answer (timed out, refused)");
    }

    private Counter refreshes(String outcome, String description) {
        return Counter.builder("pagila.page.refreshes").tag("outcome", outcome).description(description).register(registry);
    }

    /** At start, on the main thread, which has no Vert.x context: getOrCreateContext makes a new one. */
    void onStart(@Observes StartupEvent started) {
        context = vertx.getOrCreateContext();
    }

    @PreDestroy
    void close() {
        client.close();
    }

    /** Whether request is one of this process's refreshes. */
    boolean isRefresh(ContainerRequestContext request) {
        String sent = request.getHeaderString(HEADER);
        return sent != null && MessageDigest.isEqual(tokenText.getBytes(StandardCharsets.US_ASCII),
                sent.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * Asks the store for pathAndQuery again, where staleRequest arrived; the refresh of key ends with the exchange. The
     * address and TLS are the connection's own: behind a proxy (pagila.http.behind-proxy) the request's say what the
     * proxy forwarded, https for a plain connection.
     * <p>
     * The exchange runs on this bean's own context, not on the context of the request that found the copy stale (the
     * caller's thread is one of that request's workers). Started from there, refreshes stalled on a busy store: the
     * two connections' 5 s ran out together (in the same millisecond), again and again; in the one stall sampled with
     * `ss`, both connections were idle with every request sent answered, so the next request was never sent. Meanwhile
     * the queue's refreshes timed out too, copies expired and customers' requests rendered them. Ten runs of 15 s of
     * the film page's load on a fresh store: 33 such stalls and 13,426 of 28,771 refreshes without an answer; from one
     * context of its own, no stall and 1,307 of 41,911 (queued past 5 s while the store was still cold). Why the
     * caller's context stalls the client, I did not find out.
     */
    void refresh(String key, String pathAndQuery, HttpServerRequest staleRequest) {
        HttpConnection arrivedOn = staleRequest.connection();
        SocketAddress local = arrivedOn.localAddress();
        if (local == null || local.hostAddress() == null) { // a Unix socket: no address to ask; the copy just expires
            pages.refreshEnded(key);
            return;
        }
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost(local.hostAddress())
                .setPort(local.port()).setSsl(arrivedOn.isSsl()).setURI(pathAndQuery).putHeader(HEADER, tokenText)
                .setTimeout(pages.waitForRender.toMillis());
        context.runOnContext(on -> client.request(options).compose(request -> request.send()).compose(HttpClientResponse::body)
                .onComplete(ended -> {
                    (ended.succeeded() ? answered : failed).increment();
                    if (ended.failed()) {
                        LOG.debugf("Background refresh of %s: no answer (%s)", pathAndQuery, ended.cause());
                    }
                    pages.refreshEnded(key);
                }));
    }
}
