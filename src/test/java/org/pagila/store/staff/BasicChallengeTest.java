package org.pagila.store.staff;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class BasicChallengeTest {
    private static final List<String> STAFF_API = List.of("/api/customers", "/api/customers/*", "/api/rentals/*");

    @Test
    void aPermissionPathWithAStarCoversItselfAndWhatLiesBelowIt() {
        assertTrue(BasicChallenge.matches(STAFF_API, "/api/customers"));
        assertTrue(BasicChallenge.matches(STAFF_API, "/api/customers/1/rentals"));
        assertTrue(BasicChallenge.matches(STAFF_API, "/api/rentals"));
        assertTrue(BasicChallenge.matches(STAFF_API, "/api/rentals/overdue"));
    }

    @Test
    void otherPathsAreNotTheStaffApi() {
        assertFalse(BasicChallenge.matches(STAFF_API, "/api/rentalsx"));
        assertFalse(BasicChallenge.matches(STAFF_API, "/api/films"));
        assertFalse(BasicChallenge.matches(List.of("/api/cluster/reads"), "/api/cluster/reads/x"));
        assertTrue(BasicChallenge.matches(List.of("/api/cluster/reads"), "/api/cluster/reads"));
    }

    @Test
    void onlyTheBasicSchemeCountsAsCredentials() {
        assertTrue(BasicChallenge.bringsBasicCredentials("Basic bWlrZTp4"));
        assertTrue(BasicChallenge.bringsBasicCredentials("basic garbage"));
        assertFalse(BasicChallenge.bringsBasicCredentials(null));
        assertFalse(BasicChallenge.bringsBasicCredentials("Bearer abc"));
        assertFalse(BasicChallenge.bringsBasicCredentials("Basic"));
    }
}
