package org.pagila.store.dashboard;

import io.quarkus.qute.TemplateInstance;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.pagila.cluster.ClusterSettings;

/** /staff/cluster: the live cluster page for a signed-in staff member, with the demo controls when they are on. */
@Path("/staff/cluster")
@RolesAllowed("staff")
public class StaffClusterPage {

    @Inject
    DemoControls controls;

    @GET
    @Produces(MediaType.TEXT_HTML)
    @APIResponse(responseCode = "200", description = "the live page, with the demo controls when they are on")
    @APIResponse(responseCode = "302", description = "to the sign-in page when signed out")
    public TemplateInstance page() {
        return ClusterPage.Templates.cluster(controls.available(), false, ClusterSettings.NODE_NAMES, ClusterPage.NODE_ACTIONS);
    }
}
