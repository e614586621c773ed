package org.pagila.cluster.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.Progress;

/** Step.together: the lists really overlap, each keeps its order, done steps are skipped, failures name their node. */
class ConcurrentStepsTest {
    private final List<String> ran = new CopyOnWriteArrayList<>();

    @Test
    void theListsRunAtOnceEachInItsOwnOrder() {
        // every list's first step waits for the other two: run one after another, the barrier would time out
        CyclicBarrier allThree = new CyclicBarrier(3);
        Step together = Step.together(List.of(node("node1", allThree), node("node2", allThree), node("node3", allThree)), Progress.quiet());
        together.apply();
        for (String node : List.of("node1", "node2", "node3")) {
            assertTrue(ran.indexOf(node + " first") < ran.indexOf(node + " second"), ran.toString());
        }
        assertEquals(6, ran.size(), ran.toString());
    }

    @Test
    void aPlanPrintsEveryInnerStepUnderItsNode() {
        Step together = Step.together(List.of(node("node1", null), node("node2", null)), Progress.quiet());
        assertEquals(List.of("at once, each in its own order: node1, node2", "node1: first", "node1: second", "node2: first", "node2: second"),
                new Plan(List.of(together)).lines());
    }

    @Test
    void aDoneStepIsSkipped() {
        Step together = Step.together(List.of(List.of(Step.of("node1", "already", () -> true, () -> ran.add("already")),
                Step.of("node1", "next", () -> ran.add("next")))), Progress.quiet());
        together.apply();
        assertEquals(List.of("next"), ran);
    }

    @Test
    void aFailureNamesItsNodeAndTheOtherListsStillFinish() {
        List<Step> failing = List.of(Step.of("node2", "breaks", () -> {
            throw new ClusterException("pg_basebackup: no space left");
        }), Step.of("node2", "never", () -> ran.add("node2 never")));
        Step together = Step.together(List.of(node("node1", null), failing, node("node3", null)), Progress.quiet());
        ClusterException failure = assertThrows(ClusterException.class, together::apply);
        assertEquals("node2: pg_basebackup: no space left", failure.getMessage());
        assertTrue(ran.containsAll(List.of("node1 second", "node3 second")) && !ran.contains("node2 never"), ran.toString());
    }

    /** Two steps on a node; the first meets the others at the barrier when one is given. */
    private List<Step> node(String name, CyclicBarrier barrier) {
        return List.of(Step.of(name, "first", () -> {
            if (barrier != null) {
                try {
                    barrier.await(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new ClusterException(name + " ran alone: " + e, e);
                }
            }
            ran.add(name + " first");
        }), Step.of(name, "second", () -> ran.add(name + " second")));
    }
}
