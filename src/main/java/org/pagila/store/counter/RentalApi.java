package org.pagila.store.counter;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
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

/** Rentals and returns as JSON (staff only, HTTP Basic). Errors: {@link org.pagila.store.web.ErrorPages.ApiError}. */
@Path("/api/rentals")
@RolesAllowed("staff")
@Produces(MediaType.APPLICATION_JSON)
public class RentalApi {

    /** Rent a given copy (inventoryId), or any copy of a film in stock at the staff member's store (filmId). */
    public record RentRequest(Integer customerId, Integer inventoryId, Integer filmId) {
    }

    public record ReturnRequest(Integer inventoryId) {
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

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response rent(RentRequest request) throws SQLException {
        if (request == null || request.customerId() == null || (request.inventoryId() == null) == (request.filmId() == null)) {
            throw new BadCounterInput("Send {\"customerId\": N, \"inventoryId\": N} or {\"customerId\": N, \"filmId\": N}.");
        }
        StaffMember who = staff.get();
        RentalReceipt receipt = request.inventoryId() != null
                ? writes.execute(() -> rentals.rent(who, request.customerId(), request.inventoryId()))
                : writes.execute(() -> rentals.rentFilm(who, request.customerId(), request.filmId()));
        staff.wrote();
        return Response.created(URI.create("/api/rentals/" + receipt.rentalId())).entity(receipt).build();
    }

    /** The rental with its payments. */
    @GET
    @Path("/{id}")
    public RentalFile rental(@RestPath String id) throws SQLException {
        int rentalId = Ids.rental(id);
        try (Connection c = staff.readConnection()) {
            return reads.rental(c, rentalId).orElseThrow(() -> new RecordNotFound("There is no rental " + rentalId + "."));
        }
    }

    @POST
    @Path("/{id}/return")
    public RentalReceipt returnRental(@RestPath String id) throws SQLException {
        StaffMember who = staff.get();
        int rentalId = Ids.rental(id);
        RentalReceipt receipt = writes.execute(() -> rentals.returnRental(who, rentalId));
        staff.wrote();
        return receipt;
    }

    /** Return by the copy's inventory id (the number on the case). */
    @POST
    @Path("/returns")
    @Consumes(MediaType.APPLICATION_JSON)
    public RentalReceipt returnCopy(ReturnRequest request) throws SQLException {
        if (request == null || request.inventoryId() == null) {
            throw new BadCounterInput("Send {\"inventoryId\": N}.");
        }
        StaffMember who = staff.get();
        RentalReceipt receipt = writes.execute(() -> rentals.returnCopy(who, request.inventoryId()));
        staff.wrote();
        return receipt;
    }

    /** Open rentals past due, oldest first, 20 a page. */
    @GET
    @Path("/overdue")
    public Page<Overdue> overdue(@RestQuery String page) throws SQLException {
        int pageNumber = BadCounterInput.page(page);
        try (Connection c = staff.readConnection()) {
            return reads.overdue(c, pageNumber);
        }
    }

    /** The copies of a film at the staff member's store, and which are in stock. */
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
