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
import java.util.Locale;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.jboss.resteasy.reactive.RestStreamElementType;
import org.pagila.cluster.ClusterSettings;
import org.pagila.store.counter.CsrfToken;

/**
 * The live cluster page for a class, fed by server-sent events from /cluster/stream. A signed-in staff member also
 * gets the demo controls on it while they are on (pagila.demo.controls, a cluster on this machine); everybody else
 * gets the page without them, and without a CSRF token in it. The page is never cached (application.properties:
 * quarkus.http.filter.staff), as it may carry that token. Scripts and styles are files under /dashboard, so the page
 * works under a Content-Security-Policy without 'unsafe-inline'.
 */
@Path("/cluster")
public class ClusterPage {

    @CheckedTemplate(basePath = "dashboard")
    public static class Templates {
        public static native TemplateInstance cluster(boolean controls, List<String> nodes, List<String> nodeActions);
    }

    @Inject
    ClusterWatch watch;

    @Inject
    DemoControls controls;

    @Inject
    DemoOperations operations;

    @Inject
    SecurityIdentity identity;

    @Inject
    CsrfToken csrf;

    @GET
    @Produces(MediaType.TEXT_HTML)
    @APIResponse(responseCode = "200", description = "the live page; with the demo controls for a signed-in staff member when they are on")
    public TemplateInstance page() {
        boolean staff = !identity.isAnonymous() && identity.hasRole("staff");
        if (!staff || !controls.available()) {
            return Templates.cluster(false, ClusterSettings.NODE_NAMES, List.of());
        }
        csrf.getToken(); // now, so the response hands out the cookie the forms' token must match (CsrfGuard)
        return Templates.cluster(true, ClusterSettings.NODE_NAMES,
                operations.nodeActions().stream().map(a -> a.name().toLowerCase(Locale.ROOT)).toList());
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
