package org.pagila.store.dashboard;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/**
 * /staff/cluster: the way to /cluster through the sign-in. A signed-out visitor is sent to sign in and, once signed
 * in, back here and on to /cluster, which then shows the demo controls (older links and bookmarks keep working).
 */
@Path("/staff/cluster")
@RolesAllowed("staff")
public class StaffClusterPage {

    @GET
    @APIResponse(responseCode = "303", description = "to /cluster, which shows a signed-in staff member the demo controls")
    @APIResponse(responseCode = "302", description = "to the sign-in page when signed out")
    public Response page() {
        return Response.seeOther(URI.create("/cluster")).build();
    }
}
