package org.pagila.store.counter;

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
public class CustomerApi {

    @Inject
    CurrentStaff staff;

    @Inject
    CounterReads reads;

    @GET
    public List<CustomerSummary> find(@RestQuery String q) throws SQLException {
        if (q == null || q.isBlank()) {
            throw new BadCounterInput("Query parameter q (a name, an email address or a customer number) is required.");
        }
        try (Connection c = staff.readConnection()) {
            return reads.findCustomers(c, q);
        }
    }

    /** Status, address, balance and open rentals with their due dates. */
    @GET
    @Path("/{id}")
    public CustomerFile customer(@RestPath String id) throws SQLException {
        int customerId = Ids.customer(id);
        try (Connection c = staff.readConnection()) {
            return reads.customer(c, customerId).orElseThrow(() -> Ids.noCustomer(customerId));
        }
    }

    /** Rental history, newest first, 10 a page. */
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
