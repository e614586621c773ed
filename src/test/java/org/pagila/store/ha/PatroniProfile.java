package org.pagila.store.ha;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;

/** The store under the Patroni profile: it never starts a cluster, Patroni owns the nodes. */
public class PatroniProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return PatroniTestCluster.config();
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(PatroniTestCluster.class));
    }
}
