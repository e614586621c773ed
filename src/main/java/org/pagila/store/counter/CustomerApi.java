package org.pagila.store.counter;

import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;
import org.pagila.store.counter.CounterViews.CustomerFile;
import org.pagila.store.counter.CounterViews.CustomerSummary;
import org.pagila.store.counter.CounterViews.Page;
import org.pagila.store.counter.CounterViews.PastRental;

/** Customers as the counter sees them, as JSON (staff only, HTTP Basic). Errors: {@link org.pagila.store.web.ErrorPages.ApiError}. */
@Path("/api/customers")
@RolesAllowed("staff")
@Produces(MediaType.APPLICATION_JSON)
@APIResponse(responseCode = "400", description = "A parameter is not what this address takes (the message names it)")
@APIResponse(responseCode = "401", description = "Not signed in: HTTP Basic with a staff username and password")
@APIResponse(responseCode = "429", description = "Too many failed sign-ins from this address or for this username; Retry-After says when to try again")
@APIResponse(responseCode = "503", description = "No database node can answer right now; Retry-After says when to try again")
@APIResponse(responseCode = "200", description = "OK")
public class CustomerApi {

    @Inject
    CurrentStaff staff;

    @Inject
    CounterReads reads;

    @GET
    public List<CustomerSummary> find(@RestQuery String q) throws SQLException {
        String wanted = BadCounterInput.text("q", q).orElseThrow(() -> new BadCounterInput(
                "Query parameter q (a name, an email address or a customer number) is required."));
        try (Connection c = staff.readConnection()) {
            return reads.findCustomers(c, wanted);
        }
    }

    /** Status, address, balance and open rentals with their due dates. */
    @APIResponse(responseCode = "404", description = "No such record")
    @GET
    @Path("/{id}")
    public CustomerFile customer(@RestPath String id) throws SQLException {
        int customerId = Ids.customer(id);
        try (Connection c = staff.readConnection()) {
            return reads.customer(c, customerId).orElseThrow(() -> Ids.noCustomer(customerId));
        }
    }

    /** Rental history, newest first, 10 a page. */
    @APIResponse(responseCode = "404", description = "No such record")
    @GET
    @Path("/{id}/rentals")
    public Page<PastRental> history(@RestPath String id, @RestQuery String page) throws SQLException {
        int customerId = Ids.customer(id);
        int pageNumber = BadCounterInput.page(page);
        try (Connection c = staff.readConnection()) {
            reads.customer(c, customerId).orElseThrow(() -> Ids.noCustomer(customerId));
            return reads.history(c, customerId, pageNumber);
        }
    }
}
