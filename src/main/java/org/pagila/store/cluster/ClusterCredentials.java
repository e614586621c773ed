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
 * The store's database login. The password is generated when the cluster is first brought up, so it is
 * read from the cluster's secrets file each time the pools open a connection, unless pagila.db.password
 * is set (containers, VMs).
 */
@ApplicationScoped
@Named("pagila-cluster")
public class ClusterCredentials implements CredentialsProvider {

    @Inject
    ClusterSettings settings;

    @ConfigProperty(name = "pagila.db.password")
    Optional<String> configuredPassword;

    @Override
    public Map<String, String> getCredentials(String credentialsProviderName) {
        String password = configuredPassword.orElseGet(() -> Secrets.load(settings.secretsFile()).password(Secrets.APP_USER));
        return Map.of(USER_PROPERTY_NAME, Secrets.APP_USER, PASSWORD_PROPERTY_NAME, password);
    }
}
