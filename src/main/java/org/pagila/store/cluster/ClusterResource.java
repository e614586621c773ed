package org.pagila.store.cluster;

import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** GET /api/cluster: the store's view of the cluster, as the demo screen and scripts read it. */
@Path("/api/cluster")
@APIResponse(responseCode = "200", description = "The store's view of the cluster (no database error texts)")
public class ClusterResource {

    @Inject
    ClusterState state;

    public record Node(String name, String address, String role, String lsn, Long lagBytes, Double lagSeconds,
                       String upstream, String slot, Boolean slotActive, boolean servesReads, String error,
                       Long timeline) {
    }

    /**
     * primary: where writes go; conflict: set while more than one node accepts writes (split brain); patroni: Patroni's
     * view under the Patroni profile, null otherwise.
     */
    public record Cluster(String mode, String primary, String conflict, List<String> olderPrimaries, String checkedAt,
                          List<Node> nodes, Patroni patroni) {
    }

    /** Under the Patroni profile only (null otherwise): Patroni's leader and synchronous standby. */
    public record Patroni(String leader, String syncMode, List<String> syncStandbys, Long timeline, boolean reachable) {
    }

    @Inject
    PatroniWatch patroni;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Cluster cluster() {
        Cluster cluster = describe(state.view());
        if (!patroni.isEnabled()) {
            return cluster;
        }
        Patroni ha = patroni.view().map(v -> new Patroni(v.leader().map(m -> m.name()).orElse(null), v.syncMode(),
                        v.syncStandbys(), v.leader().flatMap(m -> m.timeline()).orElse(null), true))
                .orElse(new Patroni(null, null, List.of(), null, false));
        return new Cluster(cluster.mode(), cluster.primary(), cluster.conflict(), cluster.olderPrimaries(), cluster.checkedAt(),
                cluster.nodes(), ha);
    }

    /**
     * What a node's failure looks like in public: the driver's text names hosts, users and internals, so it stays
     * with the operator (`cluster/pagila-cluster status` prints it) and the public JSON only says the node did not answer.
     */
    static final String NOT_ANSWERING = "not answering";

    static Cluster describe(ClusterState.View view) {
        List<Node> nodes = view.nodes().stream().map(n -> new Node(n.name(), n.host() + ":" + n.port(),
                n.role().name().toLowerCase(), n.lsn().orElse(null), n.lagBytes().orElse(null),
                n.lagSeconds().orElse(null), n.upstream().orElse(null), n.slot().orElse(null),
                n.slotActive().orElse(null), view.servesReads(n), n.error().map(e -> NOT_ANSWERING).orElse(null), n.timeline().orElse(null))).toList();
        return new Cluster(view.mode().name(), view.primary().orElse(null), view.conflict().orElse(null),
                view.olderPrimaries(), view.checkedAt().toString(), nodes, null);
    }

}
