package org.pagila.cluster.ha;

import java.util.Locale;
import java.util.Optional;

/** `status` under --ha: Patroni's view (leader, members, timeline, lag, sync state), etcd's quorum and HAProxy. */
public final class HaStatus {
    private final PatroniCluster cluster;

    public HaStatus(PatroniCluster cluster) {
        this.cluster = cluster;
    }

    public String table() {
        HaSettings ha = cluster.settings();
        StringBuilder out = new StringBuilder();
        Optional<PatroniRest.View> view = cluster.rest().view();
        out.append(String.format(Locale.ROOT, "Patroni cluster %s   etcd: %d/%d healthy   %s%n", ha.scope(),
                cluster.etcd().healthy().size(), HaSettings.ETCD_MEMBERS,
                view.map(PatroniRest.View::timings).orElse(ha.timings() + " (at bootstrap)")));
        if (view.isEmpty()) {
            out.append("No member's Patroni answers. Processes:\n");
            for (String member : ha.members()) {
                out.append(String.format(Locale.ROOT, "  %-8s patroni %-8s postgres %s%n", member,
                        cluster.members().patroni(member).isRunning() ? "running" : "down",
                        cluster.members().postmaster(member).isPresent() ? "running" : "down"));
            }
            return out.toString();
        }
        PatroniRest.View v = view.get();
        out.append(String.format(Locale.ROOT, "leader: %s   synchronous mode: %s   synchronous standby: %s%n",
                v.leader().map(PatroniRest.Member::name).orElse("NONE (no leader: no writes)"), v.syncMode(),
                v.syncStandbys().isEmpty() ? "none" : String.join(", ", v.syncStandbys())));
        out.append(String.format(Locale.ROOT, "%-8s %-13s %-17s %-17s %-6s %-8s %s%n",
                "member", "role", "state", "postgres", "rest", "timeline", "lag (bytes)"));
        for (String name : ha.members()) {
            Optional<PatroniRest.Member> m = v.members().stream().filter(x -> x.name().equals(name)).findFirst();
            out.append(String.format(Locale.ROOT, "%-8s %-13s %-17s %-17s %-6d %-8s %s%n", name,
                    m.map(PatroniRest.Member::role).orElse("-"),
                    m.map(PatroniRest.Member::state).orElse(cluster.members().patroni(name).isRunning() ? "not registered" : "patroni down"),
                    ha.pg(name).hostPort(), ha.restPort(name),
                    m.flatMap(PatroniRest.Member::timeline).map(String::valueOf).orElse("-"),
                    m.filter(x -> !x.isLeader()).flatMap(PatroniRest.Member::lagBytes).map(String::valueOf).orElse("")));
        }
        out.append(String.format(Locale.ROOT, "HAProxy (%s): read-write 127.0.0.1:%d, read-only 127.0.0.1:%d (standbys at most %d bytes behind)%n",
                cluster.haproxy().isRunning() ? "running" : "down", ha.readWritePort(), ha.readOnlyPort(), ha.replicaMaxLagBytes()));
        return out.toString();
    }
}
