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
                // "writesTo", not "primary": the node named primary has its own entry below, which would overwrite it
                .withData("writesTo", view.primary().orElse("none"));
        // Still UP with two primaries: the store serves correctly (writes only to the highest timeline), but says so.
        view.conflict().ifPresent(conflict -> builder.withData("conflict", conflict));
        for (NodeStatus node : view.nodes()) {
            builder.withData(node.name(), node.role().name().toLowerCase()
                    + node.timeline().map(t -> ", timeline " + t).orElse("")
                    + node.lagBytes().map(b -> ", lag " + b + " bytes").orElse("")
                    + node.lagSeconds().map(s -> String.format(", %.1f s", s)).orElse(""));
        }
        return builder.build();
    }
}
