package org.pagila.store.counter;

import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;
import org.pagila.store.counter.CounterViews.FilmStock;
import org.pagila.store.counter.CounterViews.Overdue;
import org.pagila.store.counter.CounterViews.Page;
import org.pagila.store.counter.CounterViews.RentalFile;
import org.pagila.store.rental.RecordNotFound;
import org.pagila.store.rental.RentalReceipt;
import org.pagila.store.cluster.PrimaryWrites;
import org.pagila.store.rental.RentalService;
import org.pagila.store.rental.StaffMember;
import org.pagila.store.web.UserError;

/** Rentals and returns as JSON (staff only, HTTP Basic). Errors: {@link org.pagila.store.web.ErrorPages.ApiError}. */
@Path("/api/rentals")
@RolesAllowed("staff")
@Produces(MediaType.APPLICATION_JSON)
@APIResponse(responseCode = "400", description = "A parameter is not what this address takes (the message names it)")
@APIResponse(responseCode = "401", description = "Not signed in: HTTP Basic with a staff username and password")
@APIResponse(responseCode = "429", description = "Too many failed sign-ins from this address or for this username; Retry-After says when to try again")
@APIResponse(responseCode = "503", description = "No database node can answer right now; Retry-After says when to try again")
public class RentalApi {

    /** Rent a given copy (inventoryId), or any copy of a film in stock at the staff member's store (filmId). */
    public record RentRequest(Integer customerId, Integer inventoryId, Integer filmId) {
        public RentRequest {
            positive("customerId", customerId);
            positive("inventoryId", inventoryId);
            positive("filmId", filmId);
        }
    }

    public record ReturnRequest(Integer inventoryId) {
        public ReturnRequest {
            positive("inventoryId", inventoryId);
        }
    }

    /** The optional Idempotency-Key header: a retry with the same key returns the first answer, never a second write. */
    private static String key(HttpHeaders headers) {
        return IdempotencyKeyHeader.from(headers.getRequestHeader(IdempotencyKeyHeader.HEADER), IdempotencyKeyHeader.HEADER);
    }

    /** Ids are at least 1: a zero or negative one is a mistake in the request (400), not an unknown record (404). */
    private static void positive(String field, Integer id) {
        if (id != null && id < 1) {
            throw new BadCounterInput(field + " must be a whole number of at least 1, not " + id + ".");
        }
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

    @APIResponse(responseCode = "201", description = "Rented: the receipt, Location names the rental")
    @APIResponse(responseCode = "404", description = "No such record")
    @APIResponse(responseCode = "409", description = "The change contradicts the store's records (copy out, inactive customer, other store, key reused)")
    @APIResponse(responseCode = "415", description = "The body is not JSON")
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response rent(RentRequest request, @Context HttpHeaders headers) throws SQLException {
        if (request == null || request.customerId() == null || (request.inventoryId() == null) == (request.filmId() == null)) {
            throw new BadCounterInput("Send {\"customerId\": N, \"inventoryId\": N} or {\"customerId\": N, \"filmId\": N}.");
        }
        String key = key(headers);
        StaffMember who = staff.get();
        RentalReceipt receipt = request.inventoryId() != null
                ? writes.execute(() -> rentals.rent(who, request.customerId(), request.inventoryId(), key))
                : writes.execute(() -> rentals.rentFilm(who, request.customerId(), request.filmId(), key));
        staff.wrote();
        return Response.created(URI.create("/api/rentals/" + receipt.rentalId())).entity(receipt).build();
    }

    /** The rental with its payments. */
    @APIResponse(responseCode = "200", description = "OK")
    @APIResponse(responseCode = "404", description = "No such record")
    @GET
    @Path("/{id}")
    public RentalFile rental(@RestPath String id) throws SQLException {
        int rentalId = Ids.rental(id);
        try (Connection c = staff.readConnection()) {
            return reads.rental(c, rentalId).orElseThrow(() -> new RecordNotFound("There is no rental " + rentalId + "."));
        }
    }

    @APIResponse(responseCode = "200", description = "OK")
    @APIResponse(responseCode = "404", description = "No such record")
    @APIResponse(responseCode = "409", description = "The change contradicts the store's records (copy out, inactive customer, other store, key reused)")
    @APIResponse(responseCode = "415", description = "A body that is not JSON (a form from a web page cannot return a rental with a browser's saved credentials)")
    @POST
    @Path("/{id}/return")
    public RentalReceipt returnRental(@RestPath String id, @Context HttpHeaders headers) throws SQLException {
        MediaType type = headers.getMediaType();
        if (type != null && !type.isCompatible(MediaType.APPLICATION_JSON_TYPE)) {
            // a web page's form (form, multipart, text/plain) would ride on a browser's saved Basic credentials;
            // API clients send JSON or no body at all
            throw new UserError(Response.Status.UNSUPPORTED_MEDIA_TYPE,
                    "This address cannot take a body of that type; send application/json or no body.", null);
        }
        String key = key(headers);
        StaffMember who = staff.get();
        int rentalId = Ids.rental(id);
        RentalReceipt receipt = writes.execute(() -> rentals.returnRental(who, rentalId, key));
        staff.wrote();
        return receipt;
    }

    /** Return by the copy's inventory id (the number on the case). */
    @APIResponse(responseCode = "200", description = "OK")
    @APIResponse(responseCode = "404", description = "No such record")
    @APIResponse(responseCode = "409", description = "The change contradicts the store's records (copy out, inactive customer, other store, key reused)")
    @APIResponse(responseCode = "415", description = "The body is not JSON")
    @POST
    @Path("/returns")
    @Consumes(MediaType.APPLICATION_JSON)
    public RentalReceipt returnCopy(ReturnRequest request, @Context HttpHeaders headers) throws SQLException {
        if (request == null || request.inventoryId() == null) {
            throw new BadCounterInput("Send {\"inventoryId\": N}.");
        }
        String key = key(headers);
        StaffMember who = staff.get();
        RentalReceipt receipt = writes.execute(() -> rentals.returnCopy(who, request.inventoryId(), key));
        staff.wrote();
        return receipt;
    }

    /** Open rentals past due, oldest first, 20 a page. */
    @APIResponse(responseCode = "200", description = "OK")
    @GET
    @Path("/overdue")
    public Page<Overdue> overdue(@RestQuery String page) throws SQLException {
        int pageNumber = BadCounterInput.page(page);
        try (Connection c = staff.readConnection()) {
            return reads.overdue(c, pageNumber);
        }
    }

    /** The copies of a film at the staff member's store, and which are in stock. */
    @APIResponse(responseCode = "200", description = "OK")
    @APIResponse(responseCode = "404", description = "No such record")
    @GET
    @Path("/copies")
    public FilmStock copies(@RestQuery String filmId) throws SQLException {
        int film = BadCounterInput.positive("filmId", filmId);
        try (Connection c = staff.readConnection()) {
            return reads.filmAtStore(c, film, staff.get().storeId())
                    .orElseThrow(() -> new RecordNotFound("There is no film " + film + "."));
        }
    }
}
