package org.pagila.store.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Where a new read connection opens, decided without a cluster; ReadRoutingApiTest proves it on a real one. */
class ReadRoutingTest {
    private static ClusterState.View view(ClusterState.Mode mode, String primary) {
        return new ClusterState.View(mode, Optional.ofNullable(primary), List.of(), List.of(), List.of(), Optional.empty(), Instant.now());
    }

    private static Optional<String> decide(ReadRouting.Source source, ClusterState.View view) {
        return ReadRouting.primaryToReadFrom(source, view, name -> name + ".example:5432");
    }

    @Test
    void readsFromThePrimaryOnlyWhenChosenAndThereIsOne() {
        assertEquals(Optional.of("node2.example:5432"), decide(ReadRouting.Source.PRIMARY, view(ClusterState.Mode.READ_WRITE, "node2")));
        assertEquals(Optional.empty(), decide(ReadRouting.Source.STANDBYS, view(ClusterState.Mode.READ_WRITE, "node2")));
    }

    @Test
    void withoutAPrimaryTheReadsStayOnTheStandbys() {
        assertEquals(Optional.empty(), decide(ReadRouting.Source.PRIMARY, view(ClusterState.Mode.READ_ONLY, null)));
        assertEquals(Optional.empty(), decide(ReadRouting.Source.PRIMARY, view(ClusterState.Mode.UNAVAILABLE, null)));
    }

    @Test
    void theReadsHaveMovedWhenNoConnectionIsLeftOnTheOtherSide() {
        Optional<String> primary = Optional.of("node2");
        assertTrue(ReadRouting.moved(ReadRouting.Source.PRIMARY, primary, List.of("node2", "node2")));
        assertFalse(ReadRouting.moved(ReadRouting.Source.PRIMARY, primary, List.of("node2", "node1")));
        assertTrue(ReadRouting.moved(ReadRouting.Source.STANDBYS, primary, List.of("primary", "node1", "node3")));
        assertFalse(ReadRouting.moved(ReadRouting.Source.STANDBYS, primary, List.of("node1", "node2")));
        assertTrue(ReadRouting.moved(ReadRouting.Source.STANDBYS, primary, List.of()), "an empty pool is nowhere");
    }

    @Test
    void withoutAPrimaryThereIsNoOtherSide() {
        assertTrue(ReadRouting.moved(ReadRouting.Source.STANDBYS, Optional.empty(), List.of("node1", "primary")));
    }

    @Test
    void theSourcesAreSpelledAsTheApiTakesThem() {
        assertEquals(Optional.of(ReadRouting.Source.PRIMARY), ReadRouting.Source.parse("primary"));
        assertEquals(Optional.of(ReadRouting.Source.STANDBYS), ReadRouting.Source.parse("standbys"));
        assertEquals(Optional.empty(), ReadRouting.Source.parse("PRIMARY"));
        assertEquals(Optional.empty(), ReadRouting.Source.parse(null));
    }
}
