package org.pagila.store.dashboard;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Multi;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.jboss.resteasy.reactive.RestStreamElementType;
import org.pagila.cluster.ClusterSettings;

/**
 * The live cluster page for a class: /cluster for everyone, /staff/cluster the same page with the demo controls
 * (when they are on); both fed by server-sent events from /cluster/stream. Scripts and styles are files under
 * /dashboard, so the page works under a Content-Security-Policy without 'unsafe-inline'.
 */
@Path("/cluster")
public class ClusterPage {
    /** The controls that act on one chosen node (promote has its own form: it may choose for itself). */
    static final List<String> NODE_ACTIONS = List.of("kill", "freeze", "thaw", "rejoin");

    @CheckedTemplate(basePath = "dashboard")
    public static class Templates {
        public static native TemplateInstance cluster(boolean controls, boolean staffLink, List<String> nodes, List<String> nodeActions);
    }

    @Inject
    ClusterWatch watch;

    @Inject
    DemoControls controls;

    @Inject
    SecurityIdentity identity;

    @GET
    @Produces(MediaType.TEXT_HTML)
    @APIResponse(responseCode = "200", description = "the live page")
    public TemplateInstance page() {
        boolean staff = !identity.isAnonymous() && identity.hasRole("staff");
        return Templates.cluster(false, staff && controls.available(), ClusterSettings.NODE_NAMES, NODE_ACTIONS);
    }

    @GET
    @Path("/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @APIResponse(responseCode = "200", description = "a snapshot of the cluster now, then one per change (at most one per poll)")
    public Multi<Snapshot> stream() {
        return watch.snapshots();
    }
}
