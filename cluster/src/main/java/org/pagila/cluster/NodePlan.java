package org.pagila.cluster;

import org.pagila.cluster.pagila.PagilaFiles;
import org.pagila.cluster.pagila.PagilaInstall;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The PostgreSQL steps per role for nodes with the packaged layout, written once against {@link NodeTransport}:
 * the same plan provisions VMs over SSH and containers over `docker exec`. File contents, roles and slots come
 * from {@link PrimarySetup}, as for the embedded cluster. Every step can be described without running it
 * (`kvm plan`) and running it again converges (`kvm apply` twice).
 */
public final class NodePlan {
    /**
     * One node: its name, the host name its peers use for it (primary, node1...), how to run commands on it, and
     * where this machine reaches its PostgreSQL port over JDBC (asked each time: a container's port can move).
     */
    public record Node(String name, String peerHost, NodeTransport transport, Supplier<ClusterSettings.NodeAddress> client) {
    }

    /** One action on one node. */
    public record Step(String node, String action, Runnable run) {
    }

    private static final Duration STREAMING_TIMEOUT = Duration.ofSeconds(120);

    private final PackagedPostgres pg;
    private final String clusterCidr;
    private final Supplier<Secrets> secrets;
    private final PagilaFiles pagila;
    private final Progress progress;

    /** clusterCidr: the subnet the nodes (and this machine) connect from; pg_hba admits it and nothing else. */
    public NodePlan(PackagedPostgres pg, String clusterCidr, Secrets secrets, PagilaFiles pagila, Progress progress) {
        this(pg, clusterCidr, () -> secrets, pagila, progress);
    }

    /** secrets: asked only when a step runs, so a plan can be described before any secret exists. */
    public NodePlan(PackagedPostgres pg, String clusterCidr, Supplier<Secrets> secrets, PagilaFiles pagila, Progress progress) {
        this.pg = pg;
        this.clusterCidr = clusterCidr;
        this.secrets = secrets;
        this.pagila = pagila;
        this.progress = progress;
    }

    public PackagedPostgres postgres() {
        return pg;
    }

    /** Settings, pg_hba, passwords, (re)start, roles, one slot per standby, Pagila. */
    public List<Step> primary(Node primary, List<Node> standbys) {
        List<Step> steps = new ArrayList<>();
        AtomicBoolean changed = new AtomicBoolean();
        steps.addAll(configuration(primary, changed));
        steps.add(new Step(primary.name(), "start, or restart when the settings changed: " + String.join(" ", pg.ctl("restart")),
                () -> startOrRestart(primary, changed.get())));
        steps.add(new Step(primary.name(), "superuser password, set with psql over the local socket (peer authentication)",
                () -> psqlScript(primary, "ALTER ROLE " + Secrets.SUPERUSER + " WITH PASSWORD "
                        + PrimarySetup.quote(secrets.get().password(Secrets.SUPERUSER)) + ";\n")));
        steps.add(new Step(primary.name(), "role " + Secrets.REPLICATION_USER + " (REPLICATION LOGIN, scram-sha-256)",
                () -> jdbc(primary, c -> PrimarySetup.createReplicationRole(c, secrets.get().password(Secrets.REPLICATION_USER)))));
        List<String> slots = standbys.stream().map(s -> StandbyCloner.slotName(s.name())).toList();
        steps.add(new Step(primary.name(), "physical replication slots " + String.join(", ", slots),
                () -> ensureSlots(primary, slots)));
        steps.add(new Step(primary.name(), "database pagila: Pagila v" + PagilaFiles.VERSION + " (SHA-256 verified) and role "
                + Secrets.APP_USER + ", over JDBC from this machine",
                () -> PagilaInstall.ensureLoaded(database -> superuser(primary, database), pagila, secrets.get(), progress)));
        return steps;
    }

    /** Settings, pg_hba, passwords; then stop, empty, pg_basebackup -R, start and verify, unless it already streams. */
    public List<Step> standby(Node standby, Node primary) {
        List<Step> steps = new ArrayList<>();
        AtomicBoolean changed = new AtomicBoolean();
        AtomicBoolean streaming = new AtomicBoolean();
        steps.addAll(configuration(standby, changed));
        steps.add(new Step(standby.name(), "check: already a hot standby streaming from " + primary.peerHost()
                + "? then the clone is skipped", () -> {
                    streaming.set(streamsFrom(standby, primary));
                    if (streaming.get()) {
                        progress.detail(standby.name() + " already streams from " + primary.peerHost() + ": not cloned again");
                    }
                }));
        steps.add(new Step(standby.name(), "stop: " + String.join(" ", pg.ctl("stop", "-m", "fast")),
                () -> unless(streaming, () -> stop(standby))));
        steps.add(new Step(standby.name(), "empty the data directory " + pg.dataDir(),
                () -> unless(streaming, () -> emptyDataDir(standby))));
        steps.add(new Step(standby.name(), String.join(" ", baseBackup(pg.bin("pg_basebackup"), primary.peerHost(), pg.port(),
                pg.dataDir(), standby.name(), true)), () -> unless(streaming, () -> clone(standby, primary))));
        steps.add(new Step(standby.name(), "start as a hot standby (-R wrote standby.signal, primary_conninfo, primary_slot_name)",
                () -> startOrRestart(standby, changed.get() && streaming.get())));
        steps.add(new Step(standby.name(), "verify: pg_is_in_recovery() on " + standby.name() + ", streaming through an active "
                + StandbyCloner.slotName(standby.name()) + " on " + primary.name(), () -> awaitStreaming(primary, standby)));
        return steps;
    }

    /** The pg_basebackup command line: the same for VMs, containers and the embedded cluster. */
    public static List<String> baseBackup(String program, String primaryHost, int primaryPort, String dataDir, String standbyName,
                                          boolean writeRecoveryConfig) {
        List<String> command = new ArrayList<>(List.of(program, "-h", primaryHost, "-p", String.valueOf(primaryPort),
                "-U", Secrets.REPLICATION_USER, "-D", dataDir));
        if (writeRecoveryConfig) {
            command.add("-R");
        }
        command.addAll(List.of("-X", "stream", "-S", StandbyCloner.slotName(standbyName), "--checkpoint=fast",
                "-d", "application_name=" + standbyName));
        return command;
    }

    public void run(List<Step> steps) {
        for (Step step : steps) {
            progress.detail("[" + step.node() + "] " + step.action());
            step.run().run();
        }
    }

    // ---- failover: promote a standby, re-point the others, rejoin the old primary ----

    /** pg_promote() on the standby, then the slots the other nodes will stream through. */
    public void promote(Node standby, List<Node> others) {
        List<String> slots = others.stream().map(n -> StandbyCloner.slotName(n.name())).toList();
        jdbc(standby, c -> PrimarySetup.promote(c, slots));
        progress.detail(standby.name() + " promoted: now the primary; slots " + String.join(", ", slots));
    }

    /** Points a running standby at another primary: primary_conninfo and slot, then a reload (no restart). */
    public void follow(Node standby, Node primary) {
        psqlScript(standby, String.join(";\n", PrimarySetup.followStatements(standby.name(), primary.peerHost(), pg.port(),
                secrets.get().password(Secrets.REPLICATION_USER))) + ";\n");
        progress.detail(standby.name() + " now follows " + primary.name());
        awaitStreaming(primary, standby);
    }

    /**
     * Makes a former primary a standby of the new one: pg_rewind when its WAL allows, a fresh clone otherwise.
     * Returns how it was done.
     */
    public String rejoin(Node formerPrimary, Node primary) {
        ensureSlots(primary, List.of(StandbyCloner.slotName(formerPrimary.name())));
        try {
            rewind(formerPrimary, primary);
            startOrRestart(formerPrimary, false);
            awaitStreaming(primary, formerPrimary);
            return "pg_rewind";
        } catch (ClusterException e) {
            progress.detail("pg_rewind did not work (" + firstLine(e.getMessage()) + "): a fresh clone instead");
            stop(formerPrimary);
            emptyDataDir(formerPrimary);
            clone(formerPrimary, primary);
            startOrRestart(formerPrimary, false);
            awaitStreaming(primary, formerPrimary);
            return "fresh clone";
        }
    }

    private void rewind(Node target, Node source) {
        // pg_rewind needs a cleanly shut down target. After a crash, recover it as a standby first, so it never
        // comes up as a second primary, then shut it down cleanly.
        stop(target);
        target.transport().writeFile(pg.dataDir() + "/standby.signal", "");
        target.transport().runAdmin(pg.ctl("start"));
        stop(target);
        String sourceServer = "host=" + source.peerHost() + " port=" + pg.port() + " user=" + Secrets.SUPERUSER + " dbname=postgres";
        String output = target.transport().run(List.of(pg.bin("pg_rewind"), "--target-pgdata=" + pg.dataDir(),
                "--source-server=" + sourceServer));
        progress.detail("pg_rewind " + target.name() + " from " + source.name() + ": " + lastLine(output));
        target.transport().writeFile(pg.dataDir() + "/standby.signal", "");
        target.transport().writeFile(pg.dataDir() + "/postgresql.auto.conf",
                "primary_conninfo = " + PrimarySetup.quote(conninfo(target, source)) + "\n"
                        + "primary_slot_name = " + PrimarySetup.quote(StandbyCloner.slotName(target.name())) + "\n");
    }

    // ---- queries over the transport ----

    /** One query with psql as the postgres OS user over the node's local socket; the single value it returns. */
    public String sql(Node node, String query) {
        return sql(node, "postgres", query);
    }

    public String sql(Node node, String database, String query) {
        return node.transport().run(List.of(pg.bin("psql"), "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1",
                "-p", String.valueOf(pg.port()), "-d", database, "-c", query)).strip();
    }

    /** The standby that has received the most WAL: the one to promote, so the others can follow it. */
    public Node mostAdvanced(List<Node> standbys) {
        Node best = null;
        long bestLsn = -1;
        for (Node standby : standbys) {
            String lsn = sql(standby, "SELECT coalesce(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())::text");
            long position = lsn.isEmpty() ? 0 : NodeStatus.lsnToBytes(lsn);
            if (position > bestLsn) {
                best = standby;
                bestLsn = position;
            }
        }
        if (best == null) {
            throw new ClusterException("No standby to promote");
        }
        return best;
    }

    public boolean isRunning(Node node) {
        return node.transport().exec(pg.ctl("status")).exitCode() == 0;
    }

    /** Waits until the node replays as a hot standby and streams from the primary through its active slot. */
    public void awaitStreaming(Node primary, Node standby) {
        String slot = StandbyCloner.slotName(standby.name());
        Instant deadline = Instant.now().plus(STREAMING_TIMEOUT);
        while (true) {
            AtomicBoolean streams = new AtomicBoolean();
            jdbc(primary, c -> streams.set(PrimarySetup.streamingStandbys(c, null).contains(standby.name())));
            if (streams.get() && "t".equals(sql(standby, "SELECT pg_is_in_recovery()"))) {
                progress.detail(standby.name() + " streams from " + primary.name() + " through active slot " + slot);
                return;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new ClusterException(standby.name() + " is not streaming from " + primary.name() + " after "
                        + STREAMING_TIMEOUT.toSeconds() + " s. Its log:\n" + standby.transport().exec(List.of("tail", "-n", "20", pg.logFile())).output());
            }
            sleep(Duration.ofMillis(300));
        }
    }

    // ---- the steps' parts ----

    private List<Step> configuration(Node node, AtomicBoolean changed) {
        return List.of(
                new Step(node.name(), "settings " + pg.settingsFile() + ": listen_addresses='*', wal_level=replica, max_wal_senders=10,"
                        + " max_replication_slots=10, hot_standby, wal_log_hints, scram-sha-256, cluster_name='" + node.name() + "'",
                        () -> markIf(changed, writeIfChanged(node, pg.settingsFile(), settings(node)))),
                new Step(node.name(), "pg_hba.conf: postgres by peer on the local socket; postgres, " + Secrets.APP_USER + " and "
                        + Secrets.REPLICATION_USER + " (replication only) from " + clusterCidr + " with scram-sha-256",
                        () -> markIf(changed, writeIfChanged(node, pg.hbaFile(), hba()))),
                new Step(node.name(), pg.home() + "/.pgpass for the postgres OS user (" + Secrets.REPLICATION_USER + ", "
                        + Secrets.SUPERUSER + "; mode 600)",
                        () -> writeIfChanged(node, pg.home() + "/.pgpass", pgpass())));
    }

    String settings(Node node) {
        return PrimarySetup.serverSettings("*")
                + "# Packaged layout: the local socket stays, for administration as the postgres OS user (peer).\n"
                + "unix_socket_directories = '" + pg.socketDir() + "'\n"
                + "# Nodes on a network: notice a partitioned or frozen peer within seconds, not after a minute.\n"
                + "wal_sender_timeout = '10s'\n"
                + "wal_receiver_timeout = '10s'\n"
                + PrimarySetup.nodeSettings(node.name(), pg.port());
    }

    String hba() {
        return "local   all          " + Secrets.SUPERUSER + "                      peer\n" + PrimarySetup.hba(clusterCidr);
    }

    private String pgpass() {
        return "*:*:*:" + Secrets.REPLICATION_USER + ":" + secrets.get().password(Secrets.REPLICATION_USER) + "\n"
                + "*:*:*:" + Secrets.SUPERUSER + ":" + secrets.get().password(Secrets.SUPERUSER) + "\n";
    }

    private boolean writeIfChanged(Node node, String path, String content) {
        Shell.Result current = node.transport().exec(List.of("cat", path));
        if (current.exitCode() == 0 && current.output().equals(content.strip())) {
            return false;
        }
        node.transport().writeFile(path, content);
        return true;
    }

    private void startOrRestart(Node node, boolean settingsChanged) {
        if (!isRunning(node)) {
            node.transport().runAdmin(pg.ctl("start"));
            progress.detail(node.name() + " started");
        } else if (settingsChanged) {
            node.transport().runAdmin(pg.ctl("restart", "-m", "fast"));
            progress.detail(node.name() + " restarted with the new settings");
        }
    }

    private void stop(Node node) {
        if (isRunning(node)) {
            node.transport().runAdmin(pg.ctl("stop", "-m", "fast"));
        }
    }

    private void emptyDataDir(Node node) {
        // The directory itself stays: it belongs to postgres with mode 700, as the package made it.
        node.transport().run(List.of("find", pg.dataDir(), "-mindepth", "1", "-delete"));
    }

    private void clone(Node standby, Node primary) {
        String output = standby.transport().run(baseBackup(pg.bin("pg_basebackup"), primary.peerHost(), pg.port(), pg.dataDir(),
                standby.name(), true));
        progress.detail(standby.name() + " cloned from " + primary.name() + (output.isBlank() ? "" : ": " + lastLine(output)));
    }

    private boolean streamsFrom(Node standby, Node primary) {
        if (!isRunning(standby)) {
            return false;
        }
        return "t".equals(sql(standby, "SELECT pg_is_in_recovery() AND EXISTS (SELECT FROM pg_stat_wal_receiver"
                + " WHERE status = 'streaming' AND sender_host = " + PrimarySetup.quote(primary.peerHost()) + ")"));
    }

    private void ensureSlots(Node primary, List<String> slots) {
        jdbc(primary, c -> {
            for (String slot : slots) {
                PrimarySetup.createSlot(c, slot);
            }
        });
        progress.detail("slots on " + primary.name() + ": " + String.join(", ", slots));
    }

    /** A script through a file only postgres can read: passwords never appear on a command line. */
    private void psqlScript(Node node, String sql) {
        String file = pg.home() + "/.pagila-plan.sql";
        node.transport().writeFile(file, sql);
        try {
            node.transport().run(List.of(pg.bin("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-p", String.valueOf(pg.port()),
                    "-d", "postgres", "-f", file));
        } finally {
            node.transport().exec(List.of("rm", "-f", file));
        }
    }

    private String conninfo(Node standby, Node primary) {
        return PrimarySetup.conninfo(standby.name(), primary.peerHost(), pg.port(), secrets.get().password(Secrets.REPLICATION_USER));
    }

    @FunctionalInterface
    private interface SqlAction {
        void run(Connection connection) throws SQLException;
    }

    private void jdbc(Node node, SqlAction action) {
        try (Connection c = superuser(node, "postgres")) {
            action.run(c);
        } catch (SQLException e) {
            throw new ClusterException("SQL on " + node.name() + " failed: " + e.getMessage(), e);
        }
    }

    private Connection superuser(Node node, String database) throws SQLException {
        return Jdbc.connect(node.client().get(), database, Secrets.SUPERUSER, secrets.get().password(Secrets.SUPERUSER));
    }

    private static void markIf(AtomicBoolean flag, boolean condition) {
        if (condition) {
            flag.set(true);
        }
    }

    private static void unless(AtomicBoolean skip, Runnable action) {
        if (!skip.get()) {
            action.run();
        }
    }

    private static String firstLine(String text) {
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }

    private static String lastLine(String text) {
        String stripped = text.strip();
        return stripped.substring(stripped.lastIndexOf('\n') + 1);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("Interrupted", e);
        }
    }
}
