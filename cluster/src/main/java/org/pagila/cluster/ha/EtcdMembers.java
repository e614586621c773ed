package org.pagila.cluster.ha;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.Progress;
import org.pagila.cluster.transport.ServiceUser;

/**
 * Patroni's consensus store: three etcd members on loopback, so the cluster keeps a quorum when one is lost and
 * loses it (Patroni demotes its leader) when two are.
 */
public final class EtcdMembers {
    private final HaSettings ha;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();

    public EtcdMembers(HaSettings ha) {
        this.ha = ha;
    }

    public static String memberName(int index) {
        return "etcd" + (index + 1);
    }

    public Daemon daemon(int index) {
        return new Daemon(memberName(index), ha.etcdDir(index).resolve("etcd.pid"), ha.etcdDir(index).resolve("etcd.log"));
    }

    public void startAll(Progress progress) {
        for (int i = 0; i < HaSettings.ETCD_MEMBERS; i++) {
            start(i);
        }
        Instant deadline = Instant.now().plusSeconds(30);
        while (healthy().size() < HaSettings.ETCD_MEMBERS) {
            if (Instant.now().isAfter(deadline)) {
                throw new ClusterException("etcd did not become healthy within 30 s (healthy: " + healthy() + "). Last log lines of "
                        + memberName(0) + ":\n" + daemon(0).logTail(15));
            }
            sleep(200);
        }
        progress.detail("etcd quorum of " + HaSettings.ETCD_MEMBERS + " on " + String.join(", ", ha.etcdHosts()));
    }

    /** Starts one member; a member with data rejoins its cluster, a new one joins the initial cluster. */
    public void start(int index) {
        var dir = ha.etcdDir(index);
        try {
            java.nio.file.Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new ClusterException("Cannot create " + dir + ": " + e.getMessage(), e);
        }
        ServiceUser.own(dir);
        String client = "http://127.0.0.1:" + ha.etcdClientPort(index);
        String peer = "http://127.0.0.1:" + ha.etcdPeerPort(index);
        String initialCluster = IntStream.range(0, HaSettings.ETCD_MEMBERS)
                .mapToObj(i -> memberName(i) + "=http://127.0.0.1:" + ha.etcdPeerPort(i)).collect(Collectors.joining(","));
        daemon(index).start(List.of("etcd", "--name", memberName(index), "--data-dir", dir.resolve("data").toString(),
                "--listen-client-urls", client, "--advertise-client-urls", client,
                "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
                "--initial-cluster", initialCluster, "--initial-cluster-token", ha.scope(),
                "--initial-cluster-state", "new",
                "--log-level", "warn"), Map.of());
    }

    public void stop(int index) {
        daemon(index).stop(Duration.ofSeconds(10));
    }

    public void stopAll() {
        for (int i = 0; i < HaSettings.ETCD_MEMBERS; i++) {
            stop(i);
        }
    }

    /** Members whose /health says true (a member without a quorum says false). */
    public List<String> healthy() {
        return IntStream.range(0, HaSettings.ETCD_MEMBERS).filter(this::isHealthy).mapToObj(EtcdMembers::memberName).toList();
    }

    public boolean isHealthy(int index) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + ha.etcdClientPort(index) + "/health")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 && response.body().contains("\"health\":\"true\"");
        } catch (java.io.IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("Interrupted", e);
        }
    }
}
