package org.pagila.store.counter;

import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.FormAuthenticationMechanism;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.CookieParam;
import org.pagila.store.staff.StaffSessions;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;
import org.pagila.store.counter.CounterViews.CustomerFile;
import org.pagila.store.counter.CounterViews.CustomerSummary;
import org.pagila.store.counter.CounterViews.FilmStock;
import org.pagila.store.counter.CounterViews.Overdue;
import org.pagila.store.counter.CounterViews.Page;
import org.pagila.store.counter.CounterViews.PastRental;
import org.pagila.store.counter.CounterViews.RentalFile;
import org.pagila.store.rental.RecordNotFound;
import org.pagila.store.rental.RentalReceipt;
import org.pagila.store.cluster.PrimaryWrites;
import org.pagila.store.rental.RentalService;
import org.pagila.store.rental.StaffMember;

/** The counter in the browser: find a customer, rent, return, overdue report. Sign-in required. */
@Path("/staff")
@RolesAllowed("staff")
@Produces(MediaType.TEXT_HTML)
@APIResponse(responseCode = "302", description = "Signed out: to the sign-in page")
@APIResponse(responseCode = "400", description = "A parameter is not what this address takes (the message names it), or a form without its CSRF token")
@APIResponse(responseCode = "403", description = "The form's CSRF token is not the one this session was given")
@APIResponse(responseCode = "503", description = "No database node can answer right now; Retry-After says when to try again")
public class CounterPages {

    @CheckedTemplate(basePath = "counter")
    static class Templates {
        static native TemplateInstance home(StaffMember staff);

        static native TemplateInstance customers(StaffMember staff, String q, List<CustomerSummary> customers);

        static native TemplateInstance customer(StaffMember staff, CustomerFile customer, Page<PastRental> history);

        static native TemplateInstance rent(StaffMember staff, CustomerFile customer, String film, List<FilmStock> films);

        static native TemplateInstance rental(StaffMember staff, RentalFile rental, String done);

        static native TemplateInstance overdue(StaffMember staff, Page<Overdue> overdue);
    }

    @Inject
    CurrentStaff staff;

    @Inject
    CounterReads reads;

    @Inject
    RentalService rentals;

    /** Every write goes through the primary-writes guard: no primary means 503 read-only, never a 500 or a hang. */
    @Inject
    PrimaryWrites writes;

    @Inject
    SecurityIdentity identity;

    @Inject
    StaffSessions sessions;

    @APIResponse(responseCode = "200", description = "OK")
    @GET
    public TemplateInstance home() {
        return Templates.home(staff.get());
    }

    @APIResponse(responseCode = "200", description = "OK")
    @GET
    @Path("/customers")
    public TemplateInstance customers(@RestQuery String q) throws SQLException {
        String wanted = BadCounterInput.text("q", q)
                .orElseThrow(() -> new BadCounterInput("Type a name, an email address or a customer number."));
        try (Connection c = fresh()) {
            return Templates.customers(staff.get(), wanted, reads.findCustomers(c, wanted));
        }
    }

    @APIResponse(responseCode = "200", description = "OK")
    @APIResponse(responseCode = "404", description = "No such record")
    @GET
    @Path("/customers/{id}")
    public TemplateInstance customer(@RestPath String id, @RestQuery String page) throws SQLException {
        int customerId = Ids.customer(id);
        int pageNumber = BadCounterInput.page(page);
        try (Connection c = fresh()) {
            CustomerFile customer = reads.customer(c, customerId).orElseThrow(() -> Ids.noCustomer(customerId));
            return Templates.customer(staff.get(), customer, reads.history(c, customerId, pageNumber));
        }
    }

    @APIResponse(responseCode = "200", description = "OK")
    @APIResponse(responseCode = "404", description = "No such record")
    @GET
    @Path("/customers/{id}/rent")
    public TemplateInstance rent(@RestPath String id, @RestQuery String film) throws SQLException {
        int customerId = Ids.customer(id);
        try (Connection c = fresh()) {
            CustomerFile customer = reads.customer(c, customerId).orElseThrow(() -> Ids.noCustomer(customerId));
            String title = BadCounterInput.text("film", film).orElse("");
            List<FilmStock> films = title.isEmpty() ? List.of() : reads.filmsAtStore(c, title, staff.get().storeId());
            return Templates.rent(staff.get(), customer, title, films);
        }
    }

    @APIResponse(responseCode = "303", description = "Rented: to the receipt page")
    @APIResponse(responseCode = "404", description = "No such record")
    @APIResponse(responseCode = "409", description = "The change contradicts the store's records (copy out, inactive customer, other store, key reused)")
    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Path("/customers/{id}/rentals")
    public Response rentCopy(@RestPath String id, @RestForm String inventoryId,
            @RestForm(IdempotencyKeyHeader.FORM_FIELD) List<String> idempotencyKey) throws SQLException {
        int customerId = Ids.customer(id);
        int copy = BadCounterInput.positive("the copy number", inventoryId);
        String key = IdempotencyKeyHeader.from(idempotencyKey, IdempotencyKeyHeader.FORM_FIELD);
        StaffMember who = staff.get();
        RentalReceipt receipt = writes.execute(() -> rentals.rent(who, customerId, copy, key));
        return afterWrite(receipt, "rented");
    }

    @APIResponse(responseCode = "200", description = "OK")
    @APIResponse(responseCode = "404", description = "No such record")
    @GET
    @Path("/rentals/{id}")
    public TemplateInstance rental(@RestPath String id, @RestQuery String done) throws SQLException {
        int rentalId = Ids.rental(id);
        try (Connection c = fresh()) {
            RentalFile rental = reads.rental(c, rentalId).orElseThrow(() -> new RecordNotFound("There is no rental " + rentalId + "."));
            return Templates.rental(staff.get(), rental, "rented".equals(done) || "returned".equals(done) ? done : null);
        }
    }

    @APIResponse(responseCode = "303", description = "Returned: to the receipt page")
    @APIResponse(responseCode = "404", description = "No such record")
    @APIResponse(responseCode = "409", description = "The change contradicts the store's records (copy out, inactive customer, other store, key reused)")
    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Path("/rentals/{id}/return")
    public Response returnRental(@RestPath String id,
            @RestForm(IdempotencyKeyHeader.FORM_FIELD) List<String> idempotencyKey) throws SQLException {
        String key = IdempotencyKeyHeader.from(idempotencyKey, IdempotencyKeyHeader.FORM_FIELD);
        StaffMember who = staff.get();
        int rentalId = Ids.rental(id);
        return afterWrite(writes.execute(() -> rentals.returnRental(who, rentalId, key)), "returned");
    }

    @APIResponse(responseCode = "303", description = "Returned: to the receipt page")
    @APIResponse(responseCode = "404", description = "No such record")
    @APIResponse(responseCode = "409", description = "The change contradicts the store's records (copy out, inactive customer, other store, key reused)")
    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Path("/returns")
    public Response returnCopy(@RestForm String inventoryId,
            @RestForm(IdempotencyKeyHeader.FORM_FIELD) List<String> idempotencyKey) throws SQLException {
        int copy = BadCounterInput.positive("the copy number", inventoryId);
        String key = IdempotencyKeyHeader.from(idempotencyKey, IdempotencyKeyHeader.FORM_FIELD);
        StaffMember who = staff.get();
        return afterWrite(writes.execute(() -> rentals.returnCopy(who, copy, key)), "returned");
    }

    @APIResponse(responseCode = "200", description = "OK")
    @GET
    @Path("/overdue")
    public TemplateInstance overdue(@RestQuery String page) throws SQLException {
        int pageNumber = BadCounterInput.page(page);
        try (Connection c = fresh()) {
            return Templates.overdue(staff.get(), reads.overdue(c, pageNumber));
        }
    }

    @APIResponse(responseCode = "303", description = "Signed out: to the sign-in page")
    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Path("/sign-out")
    public Response signOut(@CookieParam(StaffSessions.COOKIE) String session) {
        FormAuthenticationMechanism.logout(identity);
        sessions.close(session);
        return Response.seeOther(URI.create("/staff/sign-in?signed-out=true"))
                .cookie(new NewCookie.Builder(StaffSessions.COOKIE).value("").path("/").maxAge(0).httpOnly(true).build())
                .build();
    }

    private Connection fresh() throws SQLException {
        return staff.readConnection();
    }

    /** Post/redirect/get: the receipt is read back like any page, after the write is noted for read-your-writes. */
    private Response afterWrite(RentalReceipt receipt, String done) throws SQLException {
        staff.wrote();
        return Response.seeOther(URI.create("/staff/rentals/" + receipt.rentalId() + "?done=" + done)).build();
    }
}
