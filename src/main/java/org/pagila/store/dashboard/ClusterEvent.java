package org.pagila.store.dashboard;

import java.time.Instant;

/**
 * One line of the /cluster page's timeline. The dashboard derives most of them from the store's view of the
 * cluster; other features publish their own with CDI ({@code @Inject Event<ClusterEvent> events;
 * events.fire(ClusterEvent.now(Type.BACKUP, "primary", "base backup 20 MB in 3.1 s"))}).
 *
 * @param node the node it concerns, or null for the store as a whole
 */
public record ClusterEvent(Instant at, Type type, String node, String message) {

    public enum Type {
        /** the store started watching the cluster */
        WATCHING,
        PRIMARY_LOST, READ_ONLY, UNAVAILABLE, PROMOTED, WRITABLE, NODE_DOWN, NODE_BACK, REJOINED, SPLIT_BRAIN,
        /** published by the backup feature: base backups, WAL archiving */
        BACKUP,
        /** a staff member used a demo control on the page */
        DEMO_CONTROL,
        /** a staff member sent the catalog's reads to the primary or back to the standbys (PUT /api/cluster/reads) */
        READS
    }

    public static ClusterEvent now(Type type, String node, String message) {
        return new ClusterEvent(Instant.now(), type, node, message);
    }
}
