package org.pagila.store.catalog;

import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.DataSource;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.pagila.store.cluster.ClusterState;

/**
 * Keeps the catalog's aggregates (film_popularity, a table kept from the rentals' tally, V52, and storefront_shelf, a
 * materialized view, V40) fresh: every pagila.catalog.aggregates-refresh the primary updates them as their owner and
 * replication carries the result to the standbys that serve the catalog. Skipped while no primary takes writes (the
 * standbys keep the last counts). The first run waits one interval: at start the embedded cluster may still be coming
 * up.
 */
@ApplicationScoped
public class CatalogAggregates {
    private static final Logger LOG = Logger.getLogger(CatalogAggregates.class);

    @Inject
    @DataSource("migrations")
    AgroalDataSource owner;

    @Inject
    ClusterState cluster;

    @ConfigProperty(name = "pagila.catalog.aggregates-refresh")
    Duration interval;

    private volatile boolean lastFailed;

    /** Recount now (on the primary); the standbys have the new counts once they replayed it. */
    public void refresh() throws SQLException {
        try (Connection c = owner.getConnection(); Statement s = c.createStatement()) {
            s.execute("SELECT refresh_catalog_aggregates()");
        }
    }

    @Scheduled(identity = "catalog-aggregates", every = "{pagila.catalog.aggregates-refresh}",
            delayed = "{pagila.catalog.aggregates-refresh}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void refreshQuietly() {
        if (!cluster.isWritable()) {
            return;
        }
        try {
            long start = System.nanoTime();
            refresh();
            if (lastFailed) {
                LOG.infof("Catalog aggregates refreshed again (%d ms)", (System.nanoTime() - start) / 1_000_000);
            }
            lastFailed = false;
        } catch (SQLException | RuntimeException e) {
            if (!lastFailed) {
                LOG.warnf("Catalog aggregates not refreshed (tried again every %s): %s", interval, e.getMessage());
            }
            lastFailed = true;
        }
    }
}
