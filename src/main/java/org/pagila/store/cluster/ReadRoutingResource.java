package org.pagila.store.cluster;

import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.pagila.store.web.UserError;

/**
 * /api/cluster/reads: where catalog reads go, "standbys" (the default) or "primary" (see {@link ReadRouting}). Anyone
 * may look; staff change it with HTTP Basic and a JSON body. A web page cannot send it a PUT with a browser's saved
 * credentials: a cross-site PUT needs a CORS preflight the store never grants, and a form cannot PUT.
 */
@Path("/api/cluster/reads")
@Produces(MediaType.APPLICATION_JSON)
public class ReadRoutingResource {

    /**
     * from: "standbys" or "primary"; reading: where new read connections open now (the primary only while there is
     * one); moved: no connection of the read pool is left on the other side, so the next reads go where it says.
     */
    public record Reads(String from, String reading, boolean moved) {
    }

    /** How long a change waits for the read pool to empty on a busy store before it answers all the same (moved: false). */
    static final Duration MOVE_PATIENCE = Duration.ofSeconds(10);

    /** The body of a change: {"from": "primary"}. */
    public record Change(String from) {
    }

    @Inject
    ReadRouting routing;

    @Inject
    SecurityIdentity identity;

    @GET
    @APIResponse(responseCode = "200", description = "Where catalog reads go")
    public Reads reads() {
        return new Reads(routing.source().spelled(), routing.reading().spelled(), routing.moved());
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed("staff")
    @APIResponse(responseCode = "200", description = "Set (setting it again changes nothing); answered once the read pool"
            + " holds no connection on the other side (moved: true), or after 10 s on a store too busy to empty it (moved: false)")
    @APIResponse(responseCode = "400", description = "No body, or from is neither \"standbys\" nor \"primary\"")
    @APIResponse(responseCode = "401", description = "Not signed in: HTTP Basic with a staff username and password")
    @APIResponse(responseCode = "415", description = "The body is not JSON")
    @APIResponse(responseCode = "429", description = "Too many failed sign-ins from this address or for this username; Retry-After says when to try again")
    public Reads change(Change change) throws InterruptedException {
        String from = change == null ? null : change.from();
        ReadRouting.Source source = ReadRouting.Source.parse(from).orElseThrow(() -> UserError.badRequest(
                "Say where reads go: {\"from\": \"standbys\"} or {\"from\": \"primary\"}"
                        + (from == null ? "." : ", not '" + UserError.abbreviate(from) + "'.")));
        routing.readFrom(source, identity.getPrincipal().getName());
        routing.awaitMoved(MOVE_PATIENCE);
        return reads();
    }
}
