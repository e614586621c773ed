package org.pagila.cluster.ha;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.ClusterSettings;

/**
 * Where the Patroni profile's parts listen and live. The PostgreSQL ports are the cluster's own hosts; every other
 * port derives from one base per kind, so a worktree or a test moves the whole profile with three settings.
 */
public record HaSettings(ClusterSettings cluster, int restPortBase, int etcdPortBase, int haproxyPortBase,
                         PatroniTimings timings, long replicaMaxLagBytes, Path pgBin) {

    public static final int MEMBERS = ClusterSettings.NODE_NAMES.size();
    public static final int ETCD_MEMBERS = 3;

    public static HaSettings from(Function<String, Optional<String>> lookup) {
        ClusterSettings cluster = ClusterSettings.from(lookup);
        PatroniTimings timings = new PatroniTimings(
                integer(lookup, "pagila.ha.ttl", PatroniTimings.FAST.ttl()),
                integer(lookup, "pagila.ha.loop-wait", PatroniTimings.FAST.loopWait()),
                integer(lookup, "pagila.ha.retry-timeout", PatroniTimings.FAST.retryTimeout()));
        return new HaSettings(cluster,
                integer(lookup, "pagila.ha.rest-port", 8008),
                integer(lookup, "pagila.ha.etcd-port", 2379),
                integer(lookup, "pagila.ha.haproxy-port", 5000),
                timings,
                integer(lookup, "pagila.ha.replica-max-lag-bytes", 1048576),
                lookup.apply("pagila.ha.pg-bin").map(Path::of).orElse(Path.of("/usr/lib/postgresql/15/bin")));
    }

    public static HaSettings fromSystem() {
        // the same precedence as the cluster command's other settings: system property, then environment
        return from(key -> Optional.ofNullable(System.getProperty(key))
                .or(() -> Optional.ofNullable(System.getenv(key.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_"))))
                .filter(v -> !v.isBlank()));
    }

    private static int integer(Function<String, Optional<String>> lookup, String key, int fallback) {
        String value = lookup.apply(key).orElse(null);
        try {
            return value == null ? fallback : Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new ClusterException("Not a number in " + key + ": " + value);
        }
    }

    public String scope() {
        return "pagila-" + cluster.name();
    }

    public List<String> members() {
        return ClusterSettings.NODE_NAMES;
    }

    public ClusterSettings.NodeAddress pg(String member) {
        return cluster.node(member);
    }

    public int restPort(String member) {
        return restPortBase + members().indexOf(checked(member));
    }

    public String restUrl(String member) {
        return "http://127.0.0.1:" + restPort(member);
    }

    public int etcdClientPort(int index) {
        return etcdPortBase + 2 * index;
    }

    public int etcdPeerPort(int index) {
        return etcdPortBase + 2 * index + 1;
    }

    public List<String> etcdHosts() {
        return IntStream.range(0, ETCD_MEMBERS).mapToObj(i -> "127.0.0.1:" + etcdClientPort(i)).toList();
    }

    /** Read-write port (follows Patroni's /primary), read-only port (balances over /replica?lag=). */
    public int readWritePort() {
        return haproxyPortBase;
    }

    public int readOnlyPort() {
        return haproxyPortBase + 1;
    }

    /** Everything of the profile that is not PostgreSQL data lives beside the cluster's secrets. */
    public Path haDir() {
        return cluster.clusterDir().resolve("ha");
    }

    public Path memberDir(String member) {
        return haDir().resolve(checked(member));
    }

    public Path dataDir(String member) {
        return memberDir(member).resolve("data");
    }

    public Path patroniConfig(String member) {
        return memberDir(member).resolve("patroni.yml");
    }

    public Path etcdDir(int index) {
        return haDir().resolve("etcd" + (index + 1));
    }

    public Path haproxyDir() {
        return haDir().resolve("haproxy");
    }

    private String checked(String member) {
        return cluster.node(member).name();
    }
}
