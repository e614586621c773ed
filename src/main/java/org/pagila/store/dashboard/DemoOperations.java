package org.pagila.store.dashboard;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.ClusterSettings;
import org.pagila.cluster.Progress;
import org.pagila.cluster.ha.HaSettings;
import org.pagila.cluster.ha.PatroniCluster;
import org.pagila.store.cluster.ClusterTool;

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
    ClusterTool tool;

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
            throw new ClusterException("No '" + action.name().toLowerCase(Locale.ROOT) + "' for this cluster");
        }
        StringBuilder printed = new StringBuilder();
        String said = local() == Local.PATRONI ? patroni(action, node, line -> printed.append(line).append('\n'))
                : tool(action.name().toLowerCase(Locale.ROOT), node, line -> printed.append(line).append('\n'));
        return (printed + said).replaceAll("\\[pagila-cluster +[0-9.]+s\\] ", "").strip();
    }

    /**
     * The embedded cluster's controls, and Patroni's promote and rejoin, need the tooling's logins (the superuser,
     * Patroni's REST password, patroni.yml): the cluster tool runs them in its own process, never this one.
     */
    private String tool(String verb, Optional<String> node, Consumer<String> printed, String... more) {
        List<String> args = new ArrayList<>(List.of(verb));
        node.ifPresent(args::add);
        args.addAll(List.of(more));
        tool.run(printed, args.toArray(String[]::new));
        return "";
    }

    /** As `cluster/pagila-cluster crash|kill|start|promote` do on a Patroni cluster; never behind Patroni's back. */
    private String patroni(Action action, Optional<String> node, Consumer<String> printed) {
        PatroniCluster cluster = new PatroniCluster(haSettings(), Progress.quiet());
        return switch (action) {
            // signals to this machine's processes: no login needed
            case CRASH -> node.get() + " crashed (SIGKILL to " + cluster.members().crash(node.get()).size()
                    + " processes: Patroni, postmaster, backends); a leader's key expires within ttl ("
                    + cluster.settings().timings().ttl() + " s), then Patroni promotes a standby";
            case KILL -> cluster.members().killPostgres(node.get())
                    .map(pid -> node.get() + ": PostgreSQL killed (postmaster " + pid + "); its Patroni restarts it in place")
                    .orElse(node.get() + ": PostgreSQL was not running");
            // returns at once: the timeline says when it streams (a former primary is rewound first)
            case REJOIN -> tool("start", node, printed, "--no-wait");
            case PROMOTE -> tool("promote", node, printed);
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
