package org.pagila.store.cluster;

import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import io.quarkus.agroal.DataSource;
import io.quarkus.flyway.FlywayDataSource;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import org.flywaydb.core.Flyway;
import org.jboss.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.pagila.cluster.ClusterSettings;
import org.pagila.cluster.engine.EmbeddedCluster;
import org.pagila.cluster.Progress;

/**
 * In dev mode and in the tests the store brings its own cluster up before it serves anything: it runs
 * `cluster/pagila-cluster up` in a JVM of its own ({@link ClusterTool}) and prints its progress as it comes, so the
 * tooling's secrets (the superuser's password) never enter the store's process. Off (pagila.cluster.embedded=false)
 * when the store runs against containers or VMs. Then the store's schema migrations are applied, in every mode.
 */
@ApplicationScoped
public class EmbeddedClusterStarter {
    private static final Logger LOG = Logger.getLogger(EmbeddedClusterStarter.class);

    @ConfigProperty(name = "pagila.cluster.embedded", defaultValue = "true")
    boolean embedded;

    /** The Patroni profile: Patroni owns the nodes (cluster/pagila-cluster up --ha); the store never starts them. */
    @ConfigProperty(name = "pagila.cluster.ha", defaultValue = "false")
    boolean ha;

    @ConfigProperty(name = "pagila.cluster.recreate", defaultValue = "false")
    boolean recreate;

    /** Tests leave nothing running behind them; a store in use keeps its cluster when it stops. */
    @ConfigProperty(name = "pagila.cluster.destroy-on-stop", defaultValue = "false")
    boolean destroyOnStop;

    @ConfigProperty(name = "quarkus.http.port", defaultValue = "8080")
    int httpPort;

    @Inject
    @FlywayDataSource("migrations")
    Flyway migrations;

    @Inject
    OwnerUpkeep ownerUpkeep;

    @Inject
    ClusterTool tool;

    @Inject
    @Any
    Instance<AgroalDataSource> pools;

    @Inject
    @DataSource("standby")
    AgroalDataSource readPool;

    void onStart(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event, ClusterSettings settings) {
        embedded = embedded && !ha;
        if (embedded) {
            if (recreate) {
                // stops the nodes and deletes the folder: no password needed, so in this process
                new EmbeddedCluster(settings, new Progress(System.out, 1)).destroy();
            }
            tool.run(System.out::println, "up");
            // Hibernate opens connections while booting, before this event; if they went to a cluster that up()
            // just replaced (recreate) or restarted, they are dead: start every pool afresh. The read pool after the
            // migrations: a flush refills it to min-size at once, and each new read connection reads the film page
            // view (StandbyRotationDriver.warm), which a new cluster has only once V40 ran.
            pools.stream().filter(pool -> pool != readPool).forEach(pool -> pool.flush(AgroalDataSource.FlushMode.ALL));
        }
        migrate();
        if (embedded) {
            readPool.flush(AgroalDataSource.FlushMode.ALL);
        }
        ownerUpkeep.run();
        if (embedded) {
            System.out.printf("%nPagila Store: http://localhost:%d  (cluster command: cluster/pagila-cluster status)%n%n", httpPort);
        }
    }

    void onStop(@Observes ShutdownEvent event, ClusterSettings settings) {
        if (embedded && destroyOnStop) {
            new EmbeddedCluster(settings, Progress.quiet()).destroy();
        }
    }

    /** Pending schema migrations go to the primary; without a primary the store starts read-only and says so. */
    private void migrate() {
        try {
            var result = migrations.migrate();
            LOG.infof("Schema migrations: %d applied, schema at version %s", result.migrationsExecuted,
                    migrations.info().current() == null ? "baseline" : migrations.info().current().getVersion());
        } catch (RuntimeException e) {
            LOG.warnf("Schema migrations not applied (no primary reachable?): %s", e.getMessage());
        }
    }
}
