package org.pagila.store.cluster;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.ConfigProvider;
import org.pagila.cluster.ClusterSettings;

/** The store reads the cluster's settings through the same keys as the cluster command. */
@ApplicationScoped
public class ClusterConfig {

    @Produces
    @Singleton
    ClusterSettings clusterSettings() {
        var config = ConfigProvider.getConfig();
        return ClusterSettings.from(key -> config.getOptionalValue(key, String.class).filter(v -> !v.isBlank()));
    }
}
