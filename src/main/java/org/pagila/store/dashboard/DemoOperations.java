package org.pagila.store.dashboard;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.pagila.cluster.ClusterSettings;
import org.pagila.cluster.engine.EmbeddedCluster;
import org.pagila.cluster.Progress;

/**
 * The one place the demo controls reach into the cluster tooling (the embedded cluster's kill/freeze/thaw and the
 * failover's promote/rejoin), so that when the tooling's classes move only this file changes. Returns what the
 * tooling printed, for the log.
 */
@ApplicationScoped
public class DemoOperations {

    public enum Action { KILL, FREEZE, THAW, PROMOTE, REJOIN }

    @Inject
    ClusterSettings settings;

    /** Serialised: two promotions at once would be a split brain of our own making. */
    public synchronized String run(Action action, Optional<String> node) {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        EmbeddedCluster cluster = new EmbeddedCluster(settings, new Progress(new PrintStream(printed, true, StandardCharsets.UTF_8), 2));
        switch (action) {
            case KILL -> cluster.kill(node.orElseThrow());
            case FREEZE -> cluster.freeze(node.orElseThrow());
            case THAW -> cluster.thaw(node.orElseThrow());
            case PROMOTE -> cluster.promote(node);
            case REJOIN -> cluster.rejoin(node.orElseThrow());
        }
        return printed.toString(StandardCharsets.UTF_8).replaceAll("\\[pagila-cluster +[0-9.]+s\\] ", "").strip();
    }

    public static boolean needsNode(Action action) {
        return action != Action.PROMOTE;
    }

    public static boolean isNode(String name) {
        return ClusterSettings.NODE_NAMES.contains(name);
    }
}
