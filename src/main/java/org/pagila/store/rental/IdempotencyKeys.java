package org.pagila.store.rental;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.util.List;
import java.util.Optional;

/**
 * The idempotency keys of the counter's writes (table idempotency_key, V30), used inside the write's own
 * transaction. Claiming a key inserts it first: a concurrent request with the same key waits on that row until
 * the first transaction ends, then finds its outcome. So a key leads to at most one rental or return.
 */
@ApplicationScoped
public class IdempotencyKeys {

    /** A client's key for one write, and what that write asks for (to catch a key reused for something else). */
    public record Key(String value, String request) {
    }

    @Inject
    EntityManager em;

    @Inject
    ObjectMapper json;

    /** Empty when this transaction now owns the key (go on with the write); else the outcome it already had. */
    Optional<RentalReceipt> claim(int staffId, Key key) {
        int inserted = em.createNativeQuery("INSERT INTO idempotency_key (staff_id, key, request) VALUES (?1, ?2, ?3) "
                        + "ON CONFLICT (staff_id, key) DO NOTHING")
                .setParameter(1, staffId).setParameter(2, key.value()).setParameter(3, key.request()).executeUpdate();
        if (inserted == 1) {
            return Optional.empty();
        }
        List<?> rows = em.createNativeQuery("SELECT request, receipt::text FROM idempotency_key WHERE staff_id = ?1 AND key = ?2")
                .setParameter(1, staffId).setParameter(2, key.value()).getResultList();
        Object[] row = (Object[]) rows.get(0);
        if (!key.request().equals(row[0])) {
            throw new RentalRefused("This idempotency key was already used for another request (" + row[0]
                    + "); use a new key for a new request.");
        }
        try {
            return Optional.of(json.readValue((String) row[1], RentalReceipt.class));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored receipt of key " + key.value() + " is unreadable", e);
        }
    }

    /** Records the answer with the key, in the write's transaction. */
    void complete(int staffId, Key key, RentalReceipt receipt) {
        try {
            em.createNativeQuery("UPDATE idempotency_key SET receipt = CAST(?1 AS jsonb) WHERE staff_id = ?2 AND key = ?3")
                    .setParameter(1, json.writeValueAsString(receipt)).setParameter(2, staffId).setParameter(3, key.value())
                    .executeUpdate();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A receipt always serialises", e);
        }
    }
}
