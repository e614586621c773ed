package org.pagila.store.ha;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.pagila.cluster.Progress;
import org.pagila.cluster.ha.HaPackages;
import org.pagila.cluster.ha.HaSettings;
import org.pagila.cluster.ha.PatroniCluster;
import org.pagila.store.web.TestPorts;

/**
 * A Patroni cluster of the test's own (etcd, Patroni on four PostgreSQL 15 nodes, HAProxy), brought up before the store
 * starts and destroyed after. Ports: PAGILA_TEST_PORT_BLOCK (default 29000) + 900.. (PostgreSQL), +910.. (Patroni REST),
 * +920.. (etcd), +930/+931 (HAProxy).
 */
public class PatroniTestCluster implements QuarkusTestResourceLifecycleManager {
    static final int BLOCK = TestPorts.blockOr(29000);

    /** The store's configuration for this cluster (also what the tests' own HaSettings are built from). */
    static Map<String, String> config() {
        int pg = BLOCK + 900;
        Map<String, String> config = new HashMap<>();
        config.put("pagila.cluster.name", "ha-" + pg);
        config.put("pagila.cluster.hosts", "127.0.0.1:" + pg + ",127.0.0.1:" + (pg + 1) + ",127.0.0.1:" + (pg + 2) + ",127.0.0.1:" + (pg + 3));
        config.put("pagila.cluster.ha", "true");
        config.put("pagila.cluster.embedded", "false");
        config.put("pagila.ha.rest-port", String.valueOf(BLOCK + 910));
        config.put("pagila.ha.etcd-port", String.valueOf(BLOCK + 920));
        config.put("pagila.ha.haproxy-port", String.valueOf(BLOCK + 930));
        return config;
    }

    static HaSettings settings() {
        Map<String, String> config = config();
        return HaSettings.from(key -> Optional.ofNullable(config.get(key))
                .or(() -> Optional.ofNullable(System.getenv(key.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_")))));
    }

    static PatroniCluster cluster() {
        return new PatroniCluster(settings(), new Progress(System.out, PatroniCluster.UP_STEPS));
    }

    /** For @EnabledIf: the packages are here, or we are in CI, where their absence must fail the run. */
    static boolean packagesOrCi() {
        boolean present = HaPackages.missing(settings()).isEmpty();
        if (!present) {
            System.out.println("[patroni] skipped: missing Debian packages " + HaPackages.missing(settings()));
        }
        return present || "true".equals(System.getenv("CI"));
    }

    @Override
    public Map<String, String> start() {
        PatroniCluster cluster = cluster();
        cluster.destroy();
        cluster.up();
        return config();
    }

    @Override
    public void stop() {
        cluster().destroy();
    }
}
