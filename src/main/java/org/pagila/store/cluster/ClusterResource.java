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

    /** primary: where writes go; conflict: set while more than one node accepts writes (split brain). */
    public record Cluster(String mode, String primary, String conflict, List<String> olderPrimaries, String checkedAt,
                          List<Node> nodes) {
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Cluster cluster() {
        return describe(state.view());
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
                view.olderPrimaries(), view.checkedAt().toString(), nodes);
    }

}
