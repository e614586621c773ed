package org.pagila.store.dashboard;

import io.quarkus.security.identity.SecurityIdentity;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.Response.Status;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestPath;
import org.pagila.cluster.ClusterException;
import org.pagila.store.web.UserError;

/**
 * The demo buttons of /cluster for a signed-in staff member: kill, freeze, thaw, promote, rejoin on the embedded
 * cluster; crash, kill, rejoin, promote on a Patroni cluster (`up --ha`). They exist only while
 * pagila.demo.controls=true and the cluster runs on this machine; otherwise every request gets 404. They post under
 * /staff, so a form without the counter's CSRF token gets 403 (CsrfGuard, as every /staff form), and so does a
 * signed-out request. Each use is logged and shown on the page's timeline.
 */
@Path("/staff/cluster/demo")
public class DemoControls {
    private static final Logger LOG = Logger.getLogger(DemoControls.class);

    @ConfigProperty(name = "pagila.demo.controls", defaultValue = "false")
    boolean enabled;

    @Inject
    SecurityIdentity identity;

    @Inject
    DemoOperations operations;

    @Inject
    ClusterEvents events;

    /** What the page's script gets back (the browser without script gets a redirect). */
    public record Outcome(String action, String node, String message) {
    }

    boolean available() {
        return enabled && operations.local() != DemoOperations.Local.NONE;
    }

    @POST
    @Path("/{action}")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @APIResponse(responseCode = "200", description = "done (Accept: application/json): what the tooling said")
    @APIResponse(responseCode = "303", description = "done; back to /cluster with the outcome")
    @APIResponse(responseCode = "400", description = "unknown node")
    @APIResponse(responseCode = "403", description = "not signed in as staff, or no valid CSRF token")
    @APIResponse(responseCode = "404", description = "demo controls are off, the cluster does not run on this machine, or no such control for it")
    @APIResponse(responseCode = "409", description = "the cluster refused (e.g. promote while a primary runs)")
    public Response act(@RestPath String action, @RestForm String node, @Context HttpHeaders headers) {
        if (!available()) {
            throw UserError.notFound("There are no demo controls on this store.");
        }
        if (identity.isAnonymous() || !identity.hasRole("staff")) {
            throw new UserError(Status.FORBIDDEN, "Demo controls are for signed-in staff.", new UserError.Link("/staff/sign-in", "Sign in"));
        }
        DemoOperations.Action what = parse(action);
        Optional<String> target = Optional.ofNullable(node).filter(n -> !n.isBlank() && !n.equals("auto"));
        if (target.isPresent() && !DemoOperations.isNode(target.get()) || target.isEmpty() && DemoOperations.needsNode(what)) {
            throw UserError.badRequest("Choose a node: primary, node1, node2 or node3.").withLink("/cluster", "Back to the cluster");
        }
        String who = identity.getPrincipal().getName();
        String label = what.name().toLowerCase(Locale.ROOT) + target.map(n -> " " + n).orElse("");
        LOG.infof("Demo control by %s: %s", who, label);
        events.publish(ClusterEvent.now(ClusterEvent.Type.DEMO_CONTROL, target.orElse(null), who + " pressed " + label));
        String printed;
        try {
            printed = operations.run(what, target);
            LOG.infof("Demo control %s done: %s", label, printed);
        } catch (ClusterException e) {
            LOG.warnf("Demo control %s refused: %s", label, e.getMessage());
            throw new UserError(Status.CONFLICT, e.getMessage(), new UserError.Link("/cluster", "Back to the cluster"));
        }
        if (headers.getAcceptableMediaTypes().stream().anyMatch(t -> t.isCompatible(MediaType.APPLICATION_JSON_TYPE) && !t.isWildcardType())) {
            return Response.ok(new Outcome(what.name().toLowerCase(Locale.ROOT), target.orElse(null), printed), MediaType.APPLICATION_JSON_TYPE).build();
        }
        return Response.seeOther(URI.create("/cluster?done=" + what.name().toLowerCase(Locale.ROOT))).build();
    }

    private DemoOperations.Action parse(String action) {
        try {
            DemoOperations.Action what = DemoOperations.Action.valueOf(action.toUpperCase(Locale.ROOT));
            if (operations.offers(what)) {
                return what;
            }
        } catch (IllegalArgumentException e) {
            // the same answer as a control this cluster does not offer
        }
        throw UserError.notFound("There is no demo control '" + UserError.abbreviate(action) + "' for this cluster.");
    }
}
