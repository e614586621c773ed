package org.pagila.store.cluster;

import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.DataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.jboss.logging.Logger;
import org.pagila.cluster.ClusterSettings;
import org.pagila.cluster.secrets.Secrets;
import org.pagila.cluster.secrets.StaffPasswords;

/**
 * What needs the schema owner's login at each start, after the migrations: payment partitions for this month and
 * the next, and a sign-in password for every staff member who has none (generated, kept in the secrets file and
 * shown once on the console). The store's own role can do neither.
 */
@ApplicationScoped
public class OwnerUpkeep {
    private static final Logger LOG = Logger.getLogger(OwnerUpkeep.class);

    @Inject
    @DataSource("migrations")
    AgroalDataSource owner;

    @Inject
    ClusterSettings settings;

    void run() {
        try (Connection c = owner.getConnection()) {
            try (Statement s = c.createStatement()) {
                s.execute("SELECT ensure_payment_partitions(1)");
            }
            if (!Files.isRegularFile(settings.secretsFile())) {
                LOG.warnf("No secrets file at %s: staff passwords are not generated here (cluster/pagila-cluster staff-password USERNAME)",
                        settings.secretsFile());
                return;
            }
            Map<String, String> created = StaffPasswords.ensure(c, Secrets.loadForStore(settings.secretsFile()));
            if (!created.isEmpty()) {
                StringBuilder shown = new StringBuilder("\nStaff sign-in passwords (shown once; kept in ")
                        .append(settings.secretsFile()).append("):\n");
                created.forEach((user, password) -> shown.append(String.format("  %-8s %s%n", user, password)));
                shown.append("Reset one with: cluster/pagila-cluster staff-password USERNAME\n");
                System.out.println(shown);
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warnf("Owner upkeep not done (no primary reachable?): %s", e.getMessage());
        }
    }
}
