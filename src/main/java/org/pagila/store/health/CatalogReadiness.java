package org.pagila.store.health;

import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.DataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.pagila.store.cluster.NodeDirectory;

/** Ready while some node can serve the catalog; the primary's absence alone does not make the store unready. */
@Readiness
@ApplicationScoped
public class CatalogReadiness implements HealthCheck {

    @Inject
    @DataSource("standby")
    AgroalDataSource readPool;

    @Inject
    NodeDirectory nodes;

    @Override
    public HealthCheckResponse call() {
        try (Connection connection = readPool.getConnection(); Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(2);
            try (ResultSet rs = statement.executeQuery("SELECT count(*) FROM film")) {
                rs.next();
                return HealthCheckResponse.named("catalog").up()
                        .withData("node", nodes.nodeOf(connection))
                        .withData("films", rs.getLong(1)).build();
            }
        } catch (Exception e) {
            return HealthCheckResponse.named("catalog").down().withData("error", String.valueOf(e.getMessage())).build();
        }
    }
}
