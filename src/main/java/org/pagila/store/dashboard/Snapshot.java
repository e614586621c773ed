package org.pagila.store.dashboard;

import java.util.List;

/**
 * What the /cluster page receives on every push: the whole picture, so a client that (re)connects needs nothing else.
 * readsFrom: where catalog reads go now, "standbys" or "primary" (PUT /api/cluster/reads).
 */
public record Snapshot(String mode, String primary, String readsFrom, long checkedAt, List<Card> nodes, List<Line> events) {

    /** One node's card. Times are epoch milliseconds; absent figures are null. */
    public record Card(String name, String address, String role, String state, Integer timeline, String receivedLsn,
                       String replayedLsn, Long lagBytes, Double lagSeconds, String slot, Boolean slotActive,
                       Long walRetainedBytes, double readsPerSecond, boolean servesReads, String upstream, Trend trend) {
    }

    /** The last minutes of one node, one sample per poll: the sparklines. */
    public record Trend(long[] at, Long[] lagBytes, Double[] lagSeconds, double[] readsPerSecond) {
    }

    public record Line(long at, String type, String node, String message) {
    }
}
