package org.pagila.store.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.credentials.CredentialsProvider;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import org.pagila.cluster.ClusterSettings;
import org.pagila.cluster.secrets.Secrets;
import org.pagila.store.dashboard.DemoOperations;

/**
 * "The store never holds the superuser password", with the embedded cluster, where the store itself brings the cluster
 * up and offers the demo controls: the bring-up and the controls run the cluster tool in a process of its own, so the
 * store's process never reads admin-secrets.properties ({@link Secrets#adminFilesRead()} records every read of an
 * admin file in this JVM, and the check at the end shows it records one), and neither its database logins nor any
 * configuration value carries the superuser's password. A profile of its own: a store started for this test alone,
 * so no other test class in the same JVM has read the file through the test helpers.
 */
@QuarkusTest
@TestProfile(StoreSecretsTest.Profile.class)
class StoreSecretsTest {

    public static class Profile extends OwnClusterProfile {
        public Profile() {
            super("secrets", "PAGILA_TEST_SECRETS_HOSTS", 23532);
        }

        @Override
        protected Map<String, String> extraOverrides() {
            return Map.of("pagila.demo.controls", "true");
        }
    }

    @Inject
    ClusterSettings settings;

    @Inject
    @Any
    Instance<CredentialsProvider> credentials;

    @Inject
    DemoOperations operations;

    @Test
    void theStoreBringsItsClusterUpAndRunsTheDemoControlsWithoutReadingTheToolingsSecrets() throws Exception {
        Path admin = Secrets.adminFile(settings.secretsFile()).toAbsolutePath();
        // read here without Secrets, so this test's own read is not one of the store's
        String superuserPassword = properties(admin).getProperty(Secrets.SUPERUSER + ".password");
        assertNotNull(superuserPassword, "the bring-up (in its own process) made the superuser's password in " + admin);
        assertEquals(Set.of(), Secrets.adminFilesRead(), "bring-up, migrations and upkeep: no admin file read in the store's process");

        int providers = 0;
        for (CredentialsProvider provider : credentials) {
            Map<String, String> login = provider.getCredentials("");
            assertNotEquals(Secrets.SUPERUSER, login.get(CredentialsProvider.USER_PROPERTY_NAME));
            assertNotEquals(superuserPassword, login.get(CredentialsProvider.PASSWORD_PROPERTY_NAME));
            providers++;
        }
        assertEquals(3, providers, "the store's three pools' logins (app, owner, monitor)");
        Config config = ConfigProvider.getConfig();
        int values = 0;
        for (String name : config.getPropertyNames()) {
            Optional<String> value;
            try {
                value = config.getOptionalValue(name, String.class);
            } catch (RuntimeException unresolvable) {
                continue; // e.g. another profile's expression: nothing the store holds
            }
            assertFalse(value.isPresent() && value.get().contains(superuserPassword), "configuration " + name + " holds it");
            values++;
        }
        assertTrue(values > 100, "the store's configuration was read: " + values + " values");

        String killed = operations.run(DemoOperations.Action.KILL, Optional.of("node3"));
        assertTrue(killed.contains("node3 killed"), killed);
        String rejoined = operations.run(DemoOperations.Action.REJOIN, Optional.of("node3"));
        assertTrue(rejoined.contains("node3 rejoined as a standby of primary"), rejoined);
        assertEquals(Set.of(), Secrets.adminFilesRead(), "the demo controls ran the tool in its own process");

        // the record can fail: the tooling's read in this process is seen
        Secrets.load(settings.secretsFile());
        assertEquals(Set.of(admin), Secrets.adminFilesRead());
    }

    private static Properties properties(Path file) throws IOException {
        Properties values = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
            values.load(in);
        }
        return values;
    }
}
