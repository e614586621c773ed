package org.pagila.store.ha;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.pagila.cluster.ha.HaSettings;
import org.pagila.cluster.ha.PatroniCluster;

/**
 * For the benchmark: when, to within ~10 ms, Patroni took the leader key in etcd for another member (the leader
 * change) and when that member's PostgreSQL left recovery (the promotion). Watches etcd's leader key through its
 * v3 HTTP gateway and holds one session per standby asking pg_is_in_recovery(), so no connection set-up sits in
 * the measurement.
 */
final class PromotionWatch implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long UNSEEN = 0;

    private final PatroniCluster cluster;
    private final String oldLeader;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(200)).build();
    private final AtomicLong keyTaken = new AtomicLong(UNSEEN);
    private final AtomicLong promoted = new AtomicLong(UNSEEN);
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Connection> standbys = new ArrayList<>();
    private final Thread thread;

    PromotionWatch(PatroniCluster cluster, String oldLeader) throws Exception {
        this.cluster = cluster;
        this.oldLeader = oldLeader;
        for (String member : cluster.settings().members()) {
            if (!member.equals(oldLeader)) {
                standbys.add(cluster.superuser(member, "postgres"));
            }
        }
        thread = new Thread(this::watch, "promotion-watch");
        thread.setDaemon(true);
        thread.start();
    }

    private void watch() {
        while (running.get() && (keyTaken.get() == UNSEEN || promoted.get() == UNSEEN)) {
            if (keyTaken.get() == UNSEEN && leaderKey().filter(l -> !l.equals(oldLeader)).isPresent()) {
                keyTaken.set(System.nanoTime());
            }
            if (promoted.get() == UNSEEN && standbys.stream().anyMatch(PromotionWatch::leftRecovery)) {
                promoted.set(System.nanoTime());
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** The member named by Patroni's leader key (/service/SCOPE/leader), empty while nobody holds it. */
    Optional<String> leaderKey() {
        HaSettings ha = cluster.settings();
        String key = Base64.getEncoder().encodeToString(("/service/" + ha.scope() + "/leader").getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < HaSettings.ETCD_MEMBERS; i++) {
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + ha.etcdClientPort(i) + "/v3/kv/range"))
                        .timeout(Duration.ofMillis(500)).POST(HttpRequest.BodyPublishers.ofString("{\"key\":\"" + key + "\"}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                JsonNode kvs = JSON.readTree(response.body()).path("kvs");
                return kvs.isEmpty() ? Optional.empty()
                        : Optional.of(new String(Base64.getDecoder().decode(kvs.get(0).path("value").asText()), StandardCharsets.UTF_8));
            } catch (Exception e) {
                // this etcd member does not answer: ask the next
            }
        }
        return Optional.empty();
    }

    private static boolean leftRecovery(Connection c) {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
            return rs.next() && !rs.getBoolean(1);
        } catch (Exception e) {
            return false;
        }
    }

    /** System.nanoTime() when another member took the leader key; 0 while unseen. */
    long keyTakenNanos() {
        return keyTaken.get();
    }

    /** System.nanoTime() when a standby's PostgreSQL left recovery; 0 while unseen. */
    long promotedNanos() {
        return promoted.get();
    }

    boolean sawBoth() {
        return keyTaken.get() != UNSEEN && promoted.get() != UNSEEN;
    }

    @Override
    public void close() throws Exception {
        running.set(false);
        thread.join(5_000);
        for (Connection c : standbys) {
            c.close();
        }
    }
}
