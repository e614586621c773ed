package org.pagila.store.web;

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
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

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

    private String tokenText;
    private HttpClient client;

    @PostConstruct
    void create() {
        byte[] token = new byte[16];
        new SecureRandom().nextBytes(token);
        tokenText = HexFormat.of().formatHex(token);
        client = vertx.createHttpClient(new HttpClientOptions().setMaxPoolSize(CONNECTIONS).setMaxWaitQueueSize(QUEUED)
                .setKeepAlive(true).setTrustAll(true).setVerifyHost(false));
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
        client.request(options).compose(request -> request.send()).compose(HttpClientResponse::body)
                .onComplete(ended -> pages.refreshEnded(key));
    }
}
