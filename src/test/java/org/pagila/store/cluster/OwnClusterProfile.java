package org.pagila.store.cluster;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A test profile whose store brings up a cluster of its own (recreated at start), on the four ports named by an
 * environment variable or, without it, on four ports from {@code defaultFirstPort}. Tests that kill, promote or
 * first-start nodes use one, so no other test sees what they do. Subclasses add their own settings.
 */
public abstract class OwnClusterProfile implements QuarkusTestProfile {
    private final String hosts;
    private final String clusterName;

    protected OwnClusterProfile(String namePrefix, String hostsVariable, int defaultFirstPort) {
        this.hosts = Optional.ofNullable(System.getenv(hostsVariable)).filter(v -> !v.isBlank())
                .orElse(String.format("127.0.0.1:%d,127.0.0.1:%d,127.0.0.1:%d,127.0.0.1:%d",
                        defaultFirstPort, defaultFirstPort + 1, defaultFirstPort + 2, defaultFirstPort + 3));
        this.clusterName = namePrefix + "-" + hosts.replaceAll("^.*?:(\\d+),.*$", "$1");
    }

    /** What this profile sets beyond its own cluster. */
    protected abstract Map<String, String> extraOverrides();

    public String hosts() {
        return hosts;
    }

    @Override
    public final Map<String, String> getConfigOverrides() {
        Map<String, String> overrides = new HashMap<>(extraOverrides());
        overrides.put("pagila.cluster.name", clusterName);
        overrides.put("pagila.cluster.hosts", hosts);
        overrides.put("pagila.cluster.recreate", "true");
        return overrides;
    }
}
