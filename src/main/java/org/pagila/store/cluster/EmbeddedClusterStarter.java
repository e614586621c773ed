package org.pagila.store.cluster;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.pagila.cluster.ClusterSettings;
import org.pagila.cluster.EmbeddedCluster;
import org.pagila.cluster.Progress;

/**
 * In dev mode and in the tests the store brings its own cluster up before it serves anything, with the same
 * code as `cluster/pagila-cluster up`. Off (pagila.cluster.embedded=false) when the store runs against
 * containers or VMs.
 */
@ApplicationScoped
public class EmbeddedClusterStarter {

    @ConfigProperty(name = "pagila.cluster.embedded", defaultValue = "true")
    boolean embedded;

    @ConfigProperty(name = "pagila.cluster.recreate", defaultValue = "false")
    boolean recreate;

    @ConfigProperty(name = "quarkus.http.port", defaultValue = "8080")
    int httpPort;

    void onStart(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event, ClusterSettings settings) {
        if (!embedded) {
            return;
        }
        EmbeddedCluster cluster = new EmbeddedCluster(settings, new Progress(System.out, 7));
        if (recreate) {
            cluster.destroy();
        }
        cluster.up();
        System.out.printf("%nPagila Store: http://localhost:%d  (cluster command: cluster/pagila-cluster status)%n%n", httpPort);
    }
}
