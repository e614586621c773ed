package org.pagila.store.ha;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;

/** The store under the Patroni profile: it never starts a cluster, Patroni owns the nodes; demo controls on. */
public class PatroniProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = new java.util.HashMap<>(PatroniTestCluster.config());
        config.put("pagila.demo.controls", "true"); // PatroniDemoTest; for staff only, the other tests never see them
        return config;
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(PatroniTestCluster.class));
    }
}
