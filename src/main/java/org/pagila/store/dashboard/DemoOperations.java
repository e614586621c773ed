package org.pagila.store.dashboard;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.ClusterSettings;
import org.pagila.cluster.Progress;
import org.pagila.cluster.engine.EmbeddedCluster;
import org.pagila.cluster.ha.HaSettings;
import org.pagila.cluster.ha.PatroniCluster;
import org.pagila.cluster.ha.HaCli;

/**
 * The one place the demo controls reach into the cluster tooling, so that when the tooling's classes move only this
 * file changes. Which controls exist depends on the cluster on this machine: the embedded one (kill, freeze, thaw,
 * rejoin, promote) or one made by `up --ha` (crash, kill, rejoin, promote, all as Patroni sees them). Returns what
 * the tooling printed, for the log and the page.
 */
@ApplicationScoped
public class DemoOperations {

    public enum Action { KILL, CRASH, FREEZE, THAW, PROMOTE, REJOIN }

    /** Which cluster the controls act on; NONE when it does not run on this machine (containers, VMs). */
    public enum Local { NONE, EMBEDDED, PATRONI }

    @Inject
    ClusterSettings settings;

    @ConfigProperty(name = "pagila.cluster.embedded", defaultValue = "true")
    boolean embedded;

    @ConfigProperty(name = "pagila.cluster.ha", defaultValue = "false")
    boolean ha;

    private volatile HaSettings haSettings;

    /** Patroni's cluster is local when its folder (made by `up --ha`) is on this machine; the embedded one always is. */
    public Local local() {
        if (ha) {
            return PatroniCluster.isPatroniCluster(haSettings()) ? Local.PATRONI : Local.NONE;
        }
        return embedded ? Local.EMBEDDED : Local.NONE;
    }

    /** The controls that act on one chosen node, in the page's order (promote has its own form: it may choose for itself). */
    public List<Action> nodeActions() {
        return switch (local()) {
            case EMBEDDED -> List.of(Action.KILL, Action.FREEZE, Action.THAW, Action.REJOIN);
            // no freeze under Patroni: a SIGSTOPped member keeps its leader key alive through its Patroni, or loses it
            // while its PostgreSQL still holds connections; crash and kill are the faults Patroni is built for
            case PATRONI -> List.of(Action.CRASH, Action.KILL, Action.REJOIN);
            case NONE -> List.of();
        };
    }

    public boolean offers(Action action) {
        return action == Action.PROMOTE ? local() != Local.NONE : nodeActions().contains(action);
    }

    /** Serialised: two promotions at once would be a split brain of our own making. */
    public synchronized String run(Action action, Optional<String> node) {
        if (!offers(action)) {
            throw new ClusterException("No '" + action.name().toLowerCase() + "' for this cluster");
        }
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Progress progress = new Progress(new PrintStream(printed, true, StandardCharsets.UTF_8), 2);
        String said = local() == Local.PATRONI ? patroni(new PatroniCluster(haSettings(), progress), action, node)
                : embedded(new EmbeddedCluster(settings, progress), action, node);
        return (printed.toString(StandardCharsets.UTF_8) + said).replaceAll("\\[pagila-cluster +[0-9.]+s\\] ", "").strip();
    }

    private static String embedded(EmbeddedCluster cluster, Action action, Optional<String> node) {
        switch (action) {
            case KILL -> cluster.kill(node.orElseThrow());
            case FREEZE -> cluster.freeze(node.orElseThrow());
            case THAW -> cluster.thaw(node.orElseThrow());
            case PROMOTE -> cluster.promote(node);
            case REJOIN -> cluster.rejoin(node.orElseThrow());
            case CRASH -> throw new IllegalStateException("crash is Patroni's");
        }
        return "";
    }

    /** As `cluster/pagila-cluster crash|kill|start|promote` do on a Patroni cluster; never behind Patroni's back. */
    private static String patroni(PatroniCluster cluster, Action action, Optional<String> node) {
        return switch (action) {
            case CRASH -> node.get() + " crashed (SIGKILL to " + cluster.members().crash(node.get()).size()
                    + " processes: Patroni, postmaster, backends); a leader's key expires within ttl ("
                    + cluster.settings().timings().ttl() + " s), then Patroni promotes a standby";
            case KILL -> cluster.members().killPostgres(node.get())
                    .map(pid -> node.get() + ": PostgreSQL killed (postmaster " + pid + "); its Patroni restarts it in place")
                    .orElse(node.get() + ": PostgreSQL was not running");
            case REJOIN -> {
                // returns at once: the timeline says when it streams (a former primary is rewound first)
                cluster.members().start(node.get(), cluster.secrets());
                yield node.get() + ": Patroni started; it rejoins as a standby of the leader";
            }
            case PROMOTE -> cluster.rest().failover(node.orElseGet(() -> HaCli.bestCandidate(cluster)));
            case FREEZE, THAW -> throw new IllegalStateException("not offered under Patroni");
        };
    }

    private HaSettings haSettings() {
        if (haSettings == null) {
            var config = ConfigProvider.getConfig();
            haSettings = HaSettings.from(key -> config.getOptionalValue(key, String.class).filter(v -> !v.isBlank()));
        }
        return haSettings;
    }

    public static boolean needsNode(Action action) {
        return action != Action.PROMOTE;
    }

    public static boolean isNode(String name) {
        return ClusterSettings.NODE_NAMES.contains(name);
    }
}
