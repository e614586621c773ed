package org.pagila.store.rental;

import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.DataSource;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.pagila.store.cluster.ClusterState;

/**
 * Deletes idempotency keys older than {@code pagila.idempotency.keep} (default a day) on the primary, as the tables'
 * owner: the store's own login only claims and completes keys. A key is there to make a client's retry of a lost
 * answer safe, which happens within seconds or minutes; a retry after the keep period is a new write.
 */
@ApplicationScoped
public class IdempotencyKeyRetention {
    private static final Logger LOG = Logger.getLogger(IdempotencyKeyRetention.class);

    @Inject
    @DataSource("migrations")
    AgroalDataSource owner;

    @Inject
    ClusterState cluster;

    @ConfigProperty(name = "pagila.idempotency.keep", defaultValue = "P1D")
    Duration keep;

    @Scheduled(identity = "idempotency-key-retention", every = "{pagila.idempotency.prune-every}",
            delayed = "{pagila.idempotency.prune-every}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        if (!cluster.isWritable()) {
            return; // the next look prunes what this one could not: nothing depends on it being on time
        }
        try {
            int deleted = prune();
            if (deleted > 0) {
                LOG.infof("Deleted %d idempotency keys older than %s", deleted, keep);
            }
        } catch (SQLException e) {
            LOG.warnf("Idempotency keys not pruned (tried again later): %s", e.getMessage());
        }
    }

    /** Deletes the keys older than the keep period; returns how many. */
    public int prune() throws SQLException {
        try (Connection c = owner.getConnection();
                PreparedStatement delete = c.prepareStatement(
                        "DELETE FROM idempotency_key WHERE created_at < now() - make_interval(secs => ?)")) {
            delete.setDouble(1, keep.toSeconds());
            return delete.executeUpdate();
        }
    }
}
