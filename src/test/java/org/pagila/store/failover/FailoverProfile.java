package org.pagila.store.failover;

import java.util.Map;
import org.pagila.store.cluster.OwnClusterProfile;

/** A cluster of its own: the failover tests kill and promote nodes, which no other test should see. */
public class FailoverProfile extends OwnClusterProfile {
    public FailoverProfile() {
        super("failover", "PAGILA_TEST_FAILOVER_HOSTS", 27432);
    }

    @Override
    protected Map<String, String> extraOverrides() {
        return Map.of("pagila.cluster.max-read-lag", "3s");
    }
}
