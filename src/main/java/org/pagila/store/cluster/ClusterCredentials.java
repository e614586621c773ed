package org.pagila.store.cluster;

import io.quarkus.credentials.CredentialsProvider;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.pagila.cluster.ClusterSettings;
import org.pagila.cluster.Secrets;

/**
 * Database logins. Passwords are generated when the cluster is first brought up, so they are read from the
 * cluster's secrets file each time a pool opens a connection, unless configured (containers, VMs).
 */
public abstract class ClusterCredentials implements CredentialsProvider {

    @Inject
    ClusterSettings settings;

    abstract String user();

    abstract Optional<String> configuredPassword();

    @Override
    public Map<String, String> getCredentials(String credentialsProviderName) {
        String password = configuredPassword().orElseGet(() -> Secrets.load(settings.secretsFile()).password(user()));
        return Map.of(USER_PROPERTY_NAME, user(), PASSWORD_PROPERTY_NAME, password);
    }

    /** The store's login: reads, and writes what the counter records. */
    @ApplicationScoped
    @Named("pagila-cluster")
    public static class Store extends ClusterCredentials {
        @ConfigProperty(name = "pagila.db.password")
        Optional<String> password;

        @Override
        String user() {
            return Secrets.APP_USER;
        }

        @Override
        Optional<String> configuredPassword() {
            return password;
        }
    }

    /** The schema owner's login, used for schema migrations only. */
    @ApplicationScoped
    @Named("pagila-cluster-owner")
    public static class Owner extends ClusterCredentials {
        @ConfigProperty(name = "pagila.db.owner-password")
        Optional<String> password;

        @Override
        String user() {
            return Secrets.SUPERUSER;
        }

        @Override
        Optional<String> configuredPassword() {
            return password;
        }
    }
}
