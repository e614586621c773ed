package org.pagila.cluster.ha;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.backup.SourceChoice;
import org.pagila.cluster.probe.NodeStatus;

/** The leader check and source fitness a backup of a Patroni cluster applies, without a cluster. */
class PatroniBackupViewTest {
    private static final Duration BOUND = Duration.ofSeconds(30);

    @Test
    void aStreamingReplicaIsChosenWhenPatroniAndTheServersAgreeOnTheLeader() {
        PatroniRest.View view = view(member("primary", "leader", "running"), member("node1", "replica", "streaming"),
                member("node2", "replica", "running"));
        List<NodeStatus> agreed = PatroniBackupCluster.agreed(view, List.of(primary("primary"), standby("node1", "(streaming)"),
                standby("node2", "(startup)")));
        SourceChoice.Choice choice = SourceChoice.choose(agreed, BOUND, Optional.empty());
        assertEquals("node1", choice.node().name(), choice.reason());
        assertEquals(Optional.of(false), agreed.get(2).slotActive(), "a replica whose WAL receiver does not stream is not fit");
    }

    @Test
    void noLeaderOrADisagreementRefusesTheBackup() {
        ClusterException none = assertThrows(ClusterException.class, () -> PatroniBackupCluster.agreed(
                view(member("primary", "replica", "stopped"), member("node1", "replica", "streaming")),
                List.of(standby("node1", "(streaming)"))));
        assertTrue(none.getMessage().contains("no running leader"), none.getMessage());
        ClusterException other = assertThrows(ClusterException.class, () -> PatroniBackupCluster.agreed(
                view(member("node1", "leader", "running")), List.of(primary("primary"), primary("node1"))));
        assertTrue(other.getMessage().contains("Patroni's leader is node1 but the servers accepting writes are [primary, node1]"),
                other.getMessage());
    }

    @Test
    void withoutAFitReplicaTheLeaderIsTheSource() {
        PatroniRest.View view = view(member("primary", "leader", "running"), member("node1", "replica", "starting"));
        SourceChoice.Choice choice = SourceChoice.choose(PatroniBackupCluster.agreed(view,
                List.of(primary("primary"), standby("node1", "(streaming)"))), BOUND, Optional.empty());
        assertEquals("primary", choice.node().name(), "Patroni does not run node1 yet: " + choice.reason());
    }

    private static PatroniRest.View view(PatroniRest.Member... members) {
        return new PatroniRest.View(List.of(members), false, false, "ttl 20 s", "primary");
    }

    private static PatroniRest.Member member(String name, String role, String state) {
        return new PatroniRest.Member(name, role, state, "127.0.0.1", 1, Optional.of(1L), Optional.of(0L));
    }

    private static NodeStatus primary(String name) {
        return new NodeStatus(name, "127.0.0.1", 1, NodeStatus.Role.PRIMARY, Optional.of("0/5000000"), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(1L));
    }

    private static NodeStatus standby(String name, String receiver) {
        return new NodeStatus(name, "127.0.0.1", 2, NodeStatus.Role.STANDBY, Optional.of("0/5000000"), Optional.of(0L),
                Optional.of(0.0), Optional.of("127.0.0.1:1 " + receiver), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty());
    }
}
