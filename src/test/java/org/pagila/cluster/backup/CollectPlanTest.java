package org.pagila.cluster.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which files of the nodes' own archives the collection copies here, and in which order (no cluster, no files). */
class CollectPlanTest {
    private static final long SEG = 16L * 1024 * 1024;

    @Test
    void copiesOnlyWhatThisArchiveLacksEachNameOnceFromTheFirstNodeThatHasIt() {
        CollectPlan.Plan plan = CollectPlan.plan(List.of(
                listing("primary", "000000010000000000000003", "000000010000000000000004"),
                listing("node1", "000000010000000000000004", "000000010000000000000005")),
                Set.of("000000010000000000000003"));
        assertEquals(List.of(new CollectPlan.Fetch("primary", "000000010000000000000004", SEG),
                new CollectPlan.Fetch("node1", "000000010000000000000005", SEG)), plan.fetches());
    }

    @Test
    void historyFilesComeFirstSoTheArchiveScriptKnowsWhichTimelinesWereForkedFrom() {
        // node1 was promoted: its timeline 2 history must be here before the old primary's timeline-1 segment past the fork
        CollectPlan.Plan plan = CollectPlan.plan(List.of(
                listing("primary", "000000010000000000000006"),
                listing("node1", "000000020000000000000006", "00000002.history")),
                Set.of());
        assertEquals(List.of("00000002.history", "000000010000000000000006", "000000020000000000000006"),
                plan.fetches().stream().map(CollectPlan.Fetch::name).toList());
        assertEquals(List.of("000000010000000000000006"), plan.from("primary").stream().map(CollectPlan.Fetch::name).toList());
    }

    @Test
    void leavesOutWhatNoRestoreReadsAndCopiesInProgress() {
        CollectPlan.Plan plan = CollectPlan.plan(List.of(listing("node2", "000000010000000000000006.partial",
                "000000010000000000000002.00000028.backup", ".tmp.000000010000000000000007.1234", "archive-status", "00000003.history")),
                Set.of());
        assertEquals(List.of("00000003.history"), plan.fetches().stream().map(CollectPlan.Fetch::name).toList());
        assertEquals(List.of(".tmp.000000010000000000000007.1234", "000000010000000000000002.00000028.backup",
                "000000010000000000000006.partial", "archive-status"), plan.ignored().get("node2"));
    }

    @Test
    void aHistoryFileOrSegmentAlreadyHereIsNeverCopiedAgain() {
        // never overwrite: whatever another node has under a name this archive holds stays out (the script's first rule)
        CollectPlan.Plan plan = CollectPlan.plan(List.of(listing("node3", "00000002.history", "000000020000000000000008")),
                Set.of("00000002.history", "000000020000000000000008"));
        assertEquals(List.of(), plan.fetches());
    }

    @Test
    void readsTheNodesFindListing() {
        assertEquals(Map.of("000000010000000000000001", SEG, "00000002.history", 42L),
                CollectPlan.parseListing("000000010000000000000001\t16777216\n00000002.history\t42\nfind: warning\n\n"));
    }

    private static CollectPlan.Listing listing(String node, String... names) {
        Map<String, Long> files = new LinkedHashMap<>();
        for (String name : names) {
            files.put(name, name.length() == 24 ? SEG : 42L);
        }
        return new CollectPlan.Listing(node, files);
    }
}
