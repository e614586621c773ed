package org.pagila.store.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** How the read pool's driver orders the hosts of each new connection (no cluster needed). */
class StandbyRotationDriverTest {
    private static final String URL = "jdbc:postgresql://127.0.0.1:5432,127.0.0.1:5433,127.0.0.1:5434,127.0.0.1:5435/pagila"
            + "?targetServerType=preferSecondary&loadBalanceHosts=true&connectTimeout=1";

    @Test
    void eachTurnStartsAtTheNextServingStandbyAndKeepsTheOthersAsFallback() {
        List<String> serving = List.of("127.0.0.1:5433", "127.0.0.1:5434", "127.0.0.1:5435");
        assertEquals("jdbc:postgresql://127.0.0.1:5433,127.0.0.1:5432,127.0.0.1:5434,127.0.0.1:5435/pagila"
                + "?targetServerType=preferSecondary&loadBalanceHosts=false&connectTimeout=1", StandbyRotationDriver.rotate(URL, serving, 0));
        assertEquals("jdbc:postgresql://127.0.0.1:5434,127.0.0.1:5432,127.0.0.1:5433,127.0.0.1:5435/pagila"
                + "?targetServerType=preferSecondary&loadBalanceHosts=false&connectTimeout=1", StandbyRotationDriver.rotate(URL, serving, 1));
        assertEquals(StandbyRotationDriver.rotate(URL, serving, 2), StandbyRotationDriver.rotate(URL, serving, 5));
        // the turn counter overflows after 2^31 connections: still a serving standby first, never an exception
        for (int turn : new int[] {Integer.MAX_VALUE, Integer.MIN_VALUE, Integer.MIN_VALUE + 1}) {
            String first = StandbyRotationDriver.rotate(URL, serving, turn).substring("jdbc:postgresql://".length()).split(",")[0];
            assertEquals(true, serving.contains(first), first);
        }
    }

    @Test
    void aStandbyOutOfServiceIsNeverFirst() {
        List<String> serving = List.of("127.0.0.1:5433", "127.0.0.1:5435");
        for (int turn = 0; turn < 6; turn++) {
            String hosts = StandbyRotationDriver.rotate(URL, serving, turn);
            assertEquals(turn % 2 == 0 ? "127.0.0.1:5433" : "127.0.0.1:5435", hosts.substring("jdbc:postgresql://".length()).split(",")[0]);
        }
    }

    @Test
    void withoutAViewOrForAnotherHostListTheUrlIsLeftAlone() {
        assertEquals(URL, StandbyRotationDriver.rotate(URL, List.of(), 3));
        String primaryOnly = "jdbc:postgresql://127.0.0.1:5432/pagila?readOnly=true";
        assertEquals(primaryOnly, StandbyRotationDriver.rotate(primaryOnly, List.of("127.0.0.1:5433"), 0));
    }

    @Test
    void readsSentToThePrimaryPreferItAndKeepTheStandbysAsFallback() {
        assertEquals("jdbc:postgresql://127.0.0.1:5432,127.0.0.1:5433,127.0.0.1:5434,127.0.0.1:5435/pagila"
                + "?targetServerType=preferPrimary&loadBalanceHosts=false&connectTimeout=1", StandbyRotationDriver.onPrimary(URL, "127.0.0.1:5432"));
        // after a failover the new primary comes first
        assertEquals("jdbc:postgresql://127.0.0.1:5434,127.0.0.1:5432,127.0.0.1:5433,127.0.0.1:5435/pagila"
                + "?targetServerType=preferPrimary&loadBalanceHosts=false&connectTimeout=1", StandbyRotationDriver.onPrimary(URL, "127.0.0.1:5434"));
    }
}
