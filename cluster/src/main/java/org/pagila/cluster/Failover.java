package org.pagila.cluster;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Manual failover for the embedded cluster: promote a standby when the primary is gone, re-point the other
 * standbys at it, and later bring the old primary back as a standby (rejoin).
 */
public final class Failover {
    private final EmbeddedCluster cluster;
    private final Progress progress;

    public Failover(EmbeddedCluster cluster) {
        this.cluster = cluster;
        this.progress = cluster.progress;
    }

    /**
     * Promotes the named standby, or the one with the highest replay position. Refuses while a primary is
     * reachable: two primaries would split the store's writes.
     */
    public String promote(Optional<String> requested) {
        Secrets secrets = cluster.secrets();
        List<NodeStatus> before = cluster.status();
        before.stream().filter(n -> n.role() == NodeStatus.Role.PRIMARY).findFirst().ifPresent(p -> {
            throw new ClusterException(p.name() + " is still a running primary; stop or kill it before promoting a standby.");
        });
        List<NodeStatus> standbys = before.stream().filter(n -> n.role() == NodeStatus.Role.STANDBY).toList();
        if (standbys.isEmpty()) {
            throw new ClusterException("No standby is running; nothing to promote.");
        }
        NodeStatus chosen = requested.map(name -> standbys.stream().filter(n -> n.name().equals(name)).findFirst()
                        .orElseThrow(() -> new ClusterException(name + " is not a running standby: " + names(standbys))))
                .orElseGet(() -> standbys.stream()
                        .max(Comparator.comparingLong(n -> n.lsn().map(NodeStatus::lsnToBytes).orElse(0L))).orElseThrow());
        progress.step("promote " + chosen.name() + (requested.isPresent() ? "" : " (highest replay LSN "
                + chosen.lsn().orElse("?") + " of " + names(standbys) + ")"));
        LocalNode promoted = cluster.node(chosen.name());
        try (Connection c = EmbeddedCluster.superuser(promoted, secrets, "postgres")) {
            PrimarySetup.promote(c, ClusterSettings.NODE_NAMES.stream().filter(n -> !n.equals(chosen.name()))
                    .map(StandbyCloner::slotName).toList());
        } catch (SQLException e) {
            throw new ClusterException("Promotion of " + chosen.name() + " failed: " + e.getMessage(), e);
        }
        progress.detail(chosen.name() + " is the primary now; slots created for " + ClusterSettings.NODE_NAMES.stream()
                .filter(n -> !n.equals(chosen.name())).toList());

        progress.step("re-point the other standbys at " + chosen.name());
        for (NodeStatus standby : standbys) {
            if (standby.name().equals(chosen.name())) {
                continue;
            }
            repoint(cluster.node(standby.name()), promoted, secrets);
            progress.detail(standby.name() + ": primary_conninfo -> " + promoted.address().hostPort() + ", reloaded");
        }
        List<LocalNode> following = standbys.stream().map(NodeStatus::name).filter(n -> !n.equals(chosen.name()))
                .map(cluster::node).toList();
        cluster.awaitStandbysCaughtUp(promoted, following, secrets, Duration.ofSeconds(60));
        progress.info("\n" + cluster.statusTable());
        return chosen.name();
    }

    /**
     * Brings a former primary (or any stopped node) back as a standby of the current primary: pg_rewind when
     * the binaries have it, otherwise a fresh clone through its slot.
     */
    public void rejoin(String nodeName) {
        Secrets secrets = cluster.secrets();
        List<LocalNode> nodes = cluster.prepareQuietly();
        LocalNode node = cluster.node(nodeName);
        LocalNode primary = cluster.currentPrimary(nodes, secrets)
                .orElseThrow(() -> new ClusterException("No primary is running; promote a standby first."));
        if (primary.name().equals(nodeName)) {
            throw new ClusterException(nodeName + " is the current primary; nothing to rejoin.");
        }
        progress.step("rejoin " + nodeName + " as a standby of " + primary.name());
        if (node.isRunning()) {
            progress.detail("stopping " + nodeName);
            try {
                node.stop();
            } catch (ClusterException notStopping) {
                // killed or frozen: it will never shut down cleanly, and it is being replaced anyway
                node.kill();
            }
        }
        awaitGone(node);
        if (cluster.binaries().has("pg_rewind") && node.isInitialized()) {
            rewind(node, primary, secrets);
        } else {
            cluster.createStandby(primary, node, secrets);
        }
        cluster.awaitStandbysCaughtUp(primary, List.of(node), secrets, Duration.ofSeconds(120));
        progress.info("\n" + cluster.statusTable());
    }

    /**
     * pg_rewind keeps the data directory and copies back only what diverged. It needs a cleanly shut down
     * target, so a crashed node first recovers in single-user mode (which ends with a clean shutdown).
     */
    private void rewind(LocalNode node, LocalNode primary, Secrets secrets) {
        PostgresBinaries binaries = cluster.binaries();
        progress.detail("crash recovery of " + node.name() + " in single-user mode");
        Shell.Result recovery = Shell.exec(ServiceUser.wrap(List.of(binaries.program("postgres").toString(), "--single",
                "-D", node.dataDir().toString(), "postgres")), Map.of(), 300);
        if (recovery.exitCode() != 0) {
            throw new ClusterException("Single-user recovery of " + node.name() + " failed:\n" + recovery.output());
        }
        progress.detail("pg_rewind " + node.name() + " from " + primary.name());
        Shell.Result rewind = Shell.exec(ServiceUser.wrap(List.of(binaries.program("pg_rewind").toString(),
                "--target-pgdata=" + node.dataDir(), "--source-server=host=" + primary.address().host() + " port="
                        + primary.address().port() + " user=" + Secrets.SUPERUSER + " dbname=postgres")),
                Map.of("PGPASSWORD", secrets.password(Secrets.SUPERUSER)), 600);
        if (rewind.exitCode() != 0) {
            progress.detail("pg_rewind failed, cloning afresh instead: " + rewind.output().lines().reduce((a, b) -> b).orElse(""));
            cluster.createStandby(primary, node, secrets);
            return;
        }
        try (Connection c = EmbeddedCluster.superuser(primary, secrets, "postgres")) {
            PrimarySetup.createSlot(c, StandbyCloner.slotName(node.name()));
        } catch (SQLException e) {
            throw new ClusterException("Cannot create the slot for " + node.name() + ": " + e.getMessage(), e);
        }
        cluster.configureAsStandby(node, primary, secrets);
        node.start();
        progress.detail(node.name() + " rewound and started as a standby of " + primary.name());
    }

    /** After a SIGKILL the postmaster's children linger for a moment, holding its shared memory. */
    private void awaitGone(LocalNode node) {
        node.postmasterPid().flatMap(ProcessHandle::of).ifPresent(p -> p.onExit()
                .completeOnTimeout(p, 10, java.util.concurrent.TimeUnit.SECONDS).join());
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < deadline && ProcessHandle.allProcesses().anyMatch(p -> p.info().commandLine()
                .map(cmd -> cmd.contains("postgres: " + node.name() + ":")).orElse(false))) {
            sleep(100);
        }
    }

    private static void repoint(LocalNode standby, LocalNode primary, Secrets secrets) {
        try (Connection c = EmbeddedCluster.superuser(standby, secrets, "postgres"); Statement s = c.createStatement()) {
            for (String statement : PrimarySetup.followStatements(standby.name(), primary.address().host(),
                    primary.address().port(), secrets.password(Secrets.REPLICATION_USER))) {
                s.execute(statement);
            }
        } catch (SQLException e) {
            throw new ClusterException("Cannot re-point " + standby.name() + ": " + e.getMessage(), e);
        }
    }

    private static String names(List<NodeStatus> nodes) {
        return nodes.stream().map(NodeStatus::name).toList().toString();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
