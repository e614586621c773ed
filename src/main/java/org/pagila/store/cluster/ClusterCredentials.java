package org.pagila.store.cluster;

import io.quarkus.credentials.CredentialsProvider;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.util.Map;
import org.eclipse.microprofile.config.ConfigProvider;
import org.pagila.cluster.ClusterSettings;
import org.pagila.cluster.secrets.Secrets;

/**
 * The store's database logins, one per job, none of them a superuser. Passwords are generated when the cluster is
 * first brought up, so they are read from the cluster's secrets file each time a pool opens a connection, unless
 * configured (containers, VMs). The store reads that file through {@link Secrets#loadForStore}: the tooling's
 * logins (superuser, replicator) live in another file it never opens.
 */
public abstract class ClusterCredentials implements CredentialsProvider {
    private final String user;
    private final String passwordKey;

    @Inject
    ClusterSettings settings;

    ClusterCredentials(String user, String passwordKey) {
        this.user = user;
        this.passwordKey = passwordKey;
    }

    @Override
    public Map<String, String> getCredentials(String credentialsProviderName) {
        String password = ConfigProvider.getConfig().getOptionalValue(passwordKey, String.class)
                .orElseGet(() -> Secrets.loadForStore(settings.secretsFile()).password(user));
        return Map.of(USER_PROPERTY_NAME, user, PASSWORD_PROPERTY_NAME, password);
    }

    /** The store's login: reads, and writes what the counter records. */
    @ApplicationScoped
    @Named("pagila-cluster")
    public static class Store extends ClusterCredentials {
        public Store() {
            super(Secrets.APP_USER, "pagila.db.password");
        }
    }

    /** The schema owner (not a superuser): migrations and upkeep (partitions, aggregates, staff credentials). */
    @ApplicationScoped
    @Named("pagila-cluster-owner")
    public static class Owner extends ClusterCredentials {
        public Owner() {
            super(Secrets.OWNER_USER, "pagila.db.owner-password");
        }
    }

    /** The cluster poller's login (pg_monitor): roles, positions, replication, slots; no table of pagila. */
    @ApplicationScoped
    @Named("pagila-cluster-monitor")
    public static class Monitor extends ClusterCredentials {
        public Monitor() {
            super(Secrets.MONITOR_USER, "pagila.db.monitor-password");
        }
    }

}
