package org.pagila.store.failover;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;
import java.util.Optional;

/** A cluster of its own: the failover tests kill and promote nodes, which no other test should see. */
public class FailoverProfile implements QuarkusTestProfile {
    static final String HOSTS = Optional.ofNullable(System.getenv("PAGILA_TEST_FAILOVER_HOSTS"))
            .orElse("127.0.0.1:27432,127.0.0.1:27433,127.0.0.1:27434,127.0.0.1:27435");

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "pagila.cluster.name", "failover-" + HOSTS.replaceAll("^.*?:(\\d+),.*$", "$1"),
                "pagila.cluster.hosts", HOSTS,
                "pagila.cluster.recreate", "true",
                "pagila.cluster.max-read-lag", "3s");
    }
}
