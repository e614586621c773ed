package org.pagila.store.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;
import org.pagila.cluster.probe.NodeStatus;
import org.pagila.store.cluster.ClusterState;

/** Readiness with per-node data: UP in READ_WRITE and READ_ONLY (the catalog is servable), DOWN only with no node. */
@Readiness
@ApplicationScoped
public class ClusterHealth implements HealthCheck {

    @Inject
    ClusterState state;

    @Override
    public HealthCheckResponse call() {
        ClusterState.View view = state.view();
        HealthCheckResponseBuilder builder = HealthCheckResponse.named("cluster")
                .status(view.mode() != ClusterState.Mode.UNAVAILABLE)
                .withData("mode", view.mode().name())
                .withData("primary", view.primary().orElse("none"));
        for (NodeStatus node : view.nodes()) {
            builder.withData(node.name(), node.role().name().toLowerCase()
                    + node.lagBytes().map(b -> ", lag " + b + " bytes").orElse("")
                    + node.lagSeconds().map(s -> String.format(", %.1f s", s)).orElse(""));
        }
        return builder.build();
    }
}
