package org.pagila.cluster.engine;

import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.pagila.cluster.Await;
import org.pagila.cluster.Progress;

/** Waits on replication, for every layout and transport alike: streaming through the slot, caught up. */
public final class Replication {
    private static final Duration REPLAY_SETTLED = Duration.ofSeconds(3);

    public static final Duration STREAMING_TIMEOUT = Duration.ofSeconds(120);

    private final NodeControl control;
    private final Progress progress;

    public Replication(NodeControl control, Progress progress) {
        this.control = control;
        this.progress = progress;
    }

    /** Until the standby replays as a hot standby and streams from the primary through its active slot. */
    public void awaitStreaming(Node primary, Node standby) {
        Await.until(standby.name() + " streaming from " + primary.name() + " through " + standby.slot(), STREAMING_TIMEOUT,
                Duration.ofMillis(300), () -> streams(primary, standby),
                () -> standby.name() + "'s log:\n" + control.tailLog(standby));
        progress.detail(standby.name() + " streams from " + primary.name() + " through active slot " + standby.slot());
    }

    /**
     * Until every standby streams through its slot and has replayed everything the primary has written so far.
     * A WAL record of our own gives a target that replay reaches exactly (its end position); the insert position
     * may sit past a page header that replay only passes once more WAL arrives.
     */
    public void awaitCaughtUp(Node primary, List<Node> standbys, Duration timeout) {
        String target = control.query(primary, "SELECT greatest(pg_logical_emit_message(false, 'pagila-cluster', 'catch-up'),"
                + " pg_current_wal_flush_lsn())::text");
        List<String> pending = new ArrayList<>(standbys.stream().map(Node::name).toList());
        Await.until("standbys " + pending + " replayed up to " + target + " on " + primary.name(), timeout, Duration.ofMillis(200),
                () -> {
                    control.jdbc(primary, c -> {
                        for (String name : Roles.streamingStandbys(c, target)) {
                            if (pending.remove(name)) {
                                progress.detail(name + " streaming, slot active, replayed up to " + target);
                            }
                        }
                    });
                    return pending.isEmpty();
                },
                () -> String.join("\n", standbys.stream().filter(n -> pending.contains(n.name()))
                        .map(n -> "--- " + n.name() + " log ---\n" + control.tailLog(n)).toList()));
    }

    /** Until the standby has replayed all the WAL it received (so a promotion loses nothing it already has). */
    public void awaitReplayedReceived(Node standby) {
        // After a crash the last bytes received can be the start of a record the primary never finished: replay stops
        // before them for good. Replay that stood still for REPLAY_SETTLED has done all it can (promotion itself
        // replays whatever complete WAL is left), so that ends the wait as well as replay reaching the receive position.
        String[] last = {null};
        long[] since = {System.nanoTime()};
        Await.until(standby.name() + " replayed all it received", Duration.ofSeconds(60), () -> {
            String[] row = control.query(standby, "SELECT (pg_last_wal_receive_lsn() IS NULL OR pg_last_wal_replay_lsn() >= "
                    + "pg_last_wal_receive_lsn())::text || ' ' || coalesce(pg_last_wal_replay_lsn()::text, '')").split(" ", 2);
            if ("true".equals(row[0])) {
                return true;
            }
            String replayed = row.length > 1 ? row[1] : "";
            if (!replayed.equals(last[0])) {
                last[0] = replayed;
                since[0] = System.nanoTime();
                return false;
            }
            boolean settled = System.nanoTime() - since[0] >= REPLAY_SETTLED.toNanos();
            if (settled) {
                progress.detail(standby.name() + " replayed up to " + replayed + " and stands still: the rest it received is"
                        + " an unfinished record");
            }
            return settled;
        });
    }

    /** The standby replays as a hot standby and the primary sees it streaming through its slot. */
    boolean streams(Node primary, Node standby) {
        boolean[] streaming = {false};
        control.jdbc(primary, c -> streaming[0] = Roles.streamingStandbys(c, null).contains(standby.name()));
        if (!streaming[0]) {
            return false;
        }
        boolean[] recovering = {false};
        control.jdbc(standby, c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
                recovering[0] = rs.next() && rs.getBoolean(1);
            }
        });
        return recovering[0];
    }
}
