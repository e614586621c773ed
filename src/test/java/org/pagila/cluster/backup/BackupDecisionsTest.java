package org.pagila.cluster.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.probe.NodeStatus;

/** The backup tooling's decisions, without a cluster: WAL names, source choice, retention, restore targets. */
class BackupDecisionsTest {
    private static final long SEG = WalNames.DEFAULT_SEGMENT_SIZE;

    @Test
    void walNamesFollowPostgresql() {
        assertEquals(0x16_B374D848L, WalNames.parseLsn("16/B374D848"));
        assertEquals("16/B374D848", WalNames.formatLsn(0x16_B374D848L));
        assertEquals("0000000100000016000000B3", WalNames.segmentEndingAt(1, WalNames.parseLsn("16/B374D848"), SEG));
        // a position exactly at a segment boundary ends in the previous segment
        assertEquals("000000020000000000000004", WalNames.segmentEndingAt(2, WalNames.parseLsn("0/5000000"), SEG));
        assertEquals(Optional.of(0x16L * 256 + 0xB3), WalNames.segmentNumberOf("0000000100000016000000B3", SEG));
        assertEquals(Optional.of(5L), WalNames.segmentNumberOf("000000030000000000000005.partial", SEG));
        assertEquals(Optional.of(5L), WalNames.segmentNumberOf("000000010000000000000005.00000028.backup", SEG));
        assertEquals(Optional.empty(), WalNames.segmentNumberOf("00000002.history", SEG));
        assertTrue(WalNames.isHistory("00000002.history"));
        assertFalse(WalNames.isFullSegment("000000030000000000000005.partial"));
        assertEquals(WalNames.parseLsn("0/6000000"), WalNames.endOfSegment("000000010000000000000005", SEG));
        assertThrows(IllegalArgumentException.class, () -> WalNames.parseLsn("nonsense"));
    }

    @Test
    void backupReadsFromTheFreshestStreamingStandbyNeverALaggingOne() {
        List<NodeStatus> nodes = List.of(primary(), standby("node1", 45.0, true), standby("node2", 0.4, true),
                standby("node3", 0.1, false));
        assertEquals("node2", SourceChoice.choose(nodes, Duration.ofSeconds(30), Optional.empty()).node().name());
        ClusterException lagging = assertThrows(ClusterException.class,
                () -> SourceChoice.choose(nodes, Duration.ofSeconds(30), Optional.of("node1")));
        assertTrue(lagging.getMessage().contains("lags"), lagging.getMessage());
    }

    @Test
    void backupFallsBackToThePrimaryOnlyWhenNoStandbyIsFit() {
        List<NodeStatus> nodes = List.of(primary(), standby("node1", 31.0, true), NodeStatus.down(
                new org.pagila.cluster.ClusterSettings.NodeAddress("node2", "127.0.0.1", 2), "refused"));
        SourceChoice.Choice choice = SourceChoice.choose(nodes, Duration.ofSeconds(30), Optional.empty());
        assertEquals("primary", choice.node().name());
        assertTrue(choice.reason().contains("no standby is fit"), choice.reason());
        assertThrows(ClusterException.class, () -> SourceChoice.choose(List.of(standby("node1", 0, true)),
                Duration.ofSeconds(30), Optional.empty()), "no primary: no backup");
    }

    @Test
    void twoPrimariesMeanNoBackupUntilTheSplitBrainIsSettled() {
        ClusterException e = assertThrows(ClusterException.class, () -> SourceChoice.choose(
                List.of(primary(), primaryNamed("node1"), standby("node2", 0.1, true)), Duration.ofSeconds(30), Optional.empty()));
        assertTrue(e.getMessage().contains("split brain"), e.getMessage());
    }

    private static NodeStatus primaryNamed(String name) {
        return new NodeStatus(name, "127.0.0.1", 1, NodeStatus.Role.PRIMARY, Optional.of("0/5000000"), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(2L));
    }

    @Test
    void switchoverTargetIsTheStandbyFurthestAhead() {
        List<NodeStatus> nodes = List.of(primary(), standbyBytes("node1", 5000), standbyBytes("node2", 0), standbyBytes("node3", 80));
        assertEquals("node2", Switchover.chooseTarget(nodes, Optional.empty(), Duration.ofSeconds(30)).name());
        assertThrows(ClusterException.class, () -> Switchover.chooseTarget(nodes, Optional.of("primary"), Duration.ofSeconds(30)));
    }

    @Test
    void retentionKeepsTheNewestKAndTheWalFromTheOldestKeptStart() {
        List<BackupInfo> backups = List.of(backup("a", 100, "000000010000000000000003"),
                backup("b", 200, "000000010000000000000007"), backup("c", 300, "00000002000000000000000A"),
                backup("d", 400, "00000002000000000000000C"));
        List<String> archive = List.of("000000010000000000000003", "000000010000000000000006", "000000010000000000000007",
                "000000010000000000000008.partial", "00000002.history", "000000020000000000000009", "00000002000000000000000A",
                "00000002000000000000000A.00000028.backup", "00000002000000000000000C");
        Retention.Plan plan = Retention.plan(backups, 2, archive);
        assertEquals(List.of("b", "a"), plan.deleteBackups().stream().map(BackupInfo::id).toList());
        assertEquals(List.of("000000010000000000000003", "000000010000000000000006", "000000010000000000000007",
                "000000010000000000000008.partial", "000000020000000000000009"), plan.deleteWal());
        assertEquals(Optional.of("00000002000000000000000A"), plan.oldestNeededWal());
        assertTrue(Retention.plan(List.of(), 3, archive).deleteWal().isEmpty(), "without backups nothing is pruned");
    }

    @Test
    void restoreTargetsOutsideTheWindowAreRefusedNamingTheWindow() {
        List<BackupInfo> backups = List.of(backup("a", 100, "000000010000000000000003"), backup("b", 200, "000000010000000000000007"));
        Optional<RestoreWindow> window = RestoreWindow.of(backups, Optional.of("000000010000000000000009"),
                Optional.of(Instant.ofEpochSecond(500)));
        ClusterException early = assertThrows(ClusterException.class,
                () -> RestoreTarget.time(Instant.ofEpochSecond(50)).chooseBackup(backups, Optional.empty(), window));
        assertTrue(early.getMessage().contains("before the end of the oldest kept backup")
                && early.getMessage().contains("A restore can reach 1970-01-01T00:01:40Z"), early.getMessage());
        ClusterException late = assertThrows(ClusterException.class,
                () -> RestoreTarget.time(Instant.ofEpochSecond(900)).chooseBackup(backups, Optional.empty(), window));
        assertTrue(late.getMessage().contains("after the end of the WAL archive"), late.getMessage());
        assertThrows(ClusterException.class, () -> RestoreTarget.lsn("0/A000001").chooseBackup(backups, Optional.empty(), window));

        assertEquals("a", RestoreTarget.time(Instant.ofEpochSecond(150)).chooseBackup(backups, Optional.empty(), window).id());
        assertEquals("b", RestoreTarget.time(Instant.ofEpochSecond(250)).chooseBackup(backups, Optional.empty(), window).id());
        assertEquals("b", RestoreTarget.latest().chooseBackup(backups, Optional.empty(), window).id());
        ClusterException tooNew = assertThrows(ClusterException.class,
                () -> RestoreTarget.time(Instant.ofEpochSecond(150)).chooseBackup(backups, Optional.of("b"), window));
        assertTrue(tooNew.getMessage().contains("after the target"), tooNew.getMessage());
    }

    @Test
    void restoreTargetsParseOrSayWhatIsExpected() {
        assertEquals(Instant.parse("2026-11-25T21:30:00Z"), RestoreTarget.time("2026-11-25T22:30:00+01:00").at().orElseThrow());
        assertEquals(Instant.parse("2026-11-25T22:30:00Z"), RestoreTarget.time("2026-11-25 22:30:00").at().orElseThrow());
        assertTrue(RestoreTarget.time("2026-11-25T22:30:00Z").recoverySettings()
                .contains("recovery_target_time = '2026-11-25 22:30:00.000000+00:00'"));
        assertTrue(assertThrows(ClusterException.class, () -> RestoreTarget.time("yesterday")).getMessage().contains("ISO-8601"));
        assertTrue(assertThrows(ClusterException.class, () -> RestoreTarget.lsn("12345")).getMessage().contains("0/3000148"));
        assertTrue(RestoreTarget.latest().recoverySettings().startsWith("recovery_target_timeline"));
    }

    @Test
    void controlFileGivesStateAndCheckpoint() {
        byte[] bytes = new byte[8192];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(16, 1).putLong(32, 0x3_0000_0028L);
        ControlFile control = ControlFile.parse(bytes);
        assertTrue(control.cleanlyShutDown());
        assertEquals("3/28", control.checkpoint());
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(16, 6);
        assertFalse(ControlFile.parse(bytes).cleanlyShutDown(), "in production = not shut down");
    }

    @Test
    void cronScheduleMatchesTheInterval() {
        assertEquals("*/30 * * * *", TimerFiles.cronSchedule(30));
        assertEquals("0 */2 * * *", TimerFiles.cronSchedule(120));
        assertThrows(ClusterException.class, () -> TimerFiles.write(Path.of("/tmp"), Path.of("/repo"), "dev", 0));
    }

    private static BackupInfo backup(String id, long endEpoch, String startWal) {
        long startSegment = WalNames.segmentNumberOf(startWal, SEG).orElseThrow();
        String stopLsn = WalNames.formatLsn(startSegment * SEG + 0x100);
        return new BackupInfo(id, Path.of("/nowhere", id), "node1", "standby", Instant.ofEpochSecond(endEpoch - 10),
                Instant.ofEpochSecond(endEpoch), WalNames.formatLsn(startSegment * SEG + 0x28), stopLsn,
                WalNames.timelineOf(startWal).orElseThrow(), startWal, startWal, SEG, 10, 1000, 100, "x", "17", Optional.empty());
    }

    private static NodeStatus primary() {
        return new NodeStatus("primary", "127.0.0.1", 1, NodeStatus.Role.PRIMARY, Optional.of("0/5000000"), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(1L));
    }

    private static NodeStatus standby(String name, double lagSeconds, boolean slotActive) {
        return new NodeStatus(name, "127.0.0.1", 2, NodeStatus.Role.STANDBY, Optional.of("0/5000000"), Optional.of(0L),
                Optional.of(lagSeconds), Optional.empty(), Optional.of(name + "_slot"), Optional.of(slotActive), Optional.empty(),
                Optional.empty());
    }

    private static NodeStatus standbyBytes(String name, long lagBytes) {
        return new NodeStatus(name, "127.0.0.1", 2, NodeStatus.Role.STANDBY, Optional.of("0/5000000"), Optional.of(lagBytes),
                Optional.of(0.1), Optional.empty(), Optional.of(name + "_slot"), Optional.of(true), Optional.empty(), Optional.empty());
    }
}
