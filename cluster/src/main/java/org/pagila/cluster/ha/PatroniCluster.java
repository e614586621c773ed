package org.pagila.cluster.ha;

import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.Jdbc;
import org.pagila.cluster.Progress;
import org.pagila.cluster.secrets.Secrets;
import org.pagila.cluster.transport.ServiceUser;
import org.pagila.cluster.pagila.PagilaFiles;
import org.pagila.cluster.pagila.PagilaInstall;

/**
 * `up --ha`: the store's four nodes as Patroni members over a three-member etcd, with HAProxy in front for other
 * clients. Patroni initialises the first member, clones the others and manages their slots, pg_hba and failover;
 * we only load Pagila into whichever member Patroni made the leader.
 */
public final class PatroniCluster {
    public static final int UP_STEPS = 5;

    private final HaSettings ha;
    private final Progress progress;
    private final Members members;
    private final EtcdMembers etcd;

    public PatroniCluster(HaSettings ha, Progress progress) {
        this.ha = ha;
        this.progress = progress;
        this.members = new Members(ha, progress);
        this.etcd = new EtcdMembers(ha);
    }

    /** A cluster name is a Patroni cluster once `up --ha` made its ha folder; other commands then act on it. */
    public static boolean isPatroniCluster(HaSettings ha) {
        return Files.isDirectory(ha.haDir());
    }

    public HaSettings settings() {
        return ha;
    }

    public Members members() {
        return members;
    }

    public EtcdMembers etcd() {
        return etcd;
    }

    public Secrets secrets() {
        return Secrets.load(ha.cluster().secretsFile());
    }

    public PatroniRest rest() {
        return new PatroniRest(ha, PatroniConfig.restPassword(secrets()));
    }

    public Daemon haproxy() {
        return new Daemon("haproxy", ha.haproxyDir().resolve("haproxy.pid"), ha.haproxyDir().resolve("haproxy.log"));
    }

    public void up() {
        Instant started = Instant.now();
        HaPackages.require(ha);
        if (Files.isDirectory(ha.cluster().clusterDir().resolve("primary"))) {
            throw new ClusterException("Cluster '" + ha.cluster().name() + "' is a cluster without Patroni (" + ha.cluster().clusterDir()
                    + "): `destroy` it first, or choose another PAGILA_CLUSTER_NAME for --ha");
        }
        progress.info("Cluster '" + ha.cluster().name() + "' (Patroni scope " + ha.scope() + ") in " + ha.haDir());
        ServiceUser.ensureExists(ha.cluster().home());
        createDirectories();
        Secrets secrets = Secrets.loadOrCreate(ha.cluster().secretsFile());
        PatroniConfig.restPassword(secrets);
        PatroniRest rest = new PatroniRest(ha, PatroniConfig.restPassword(secrets));

        progress.step("etcd: " + HaSettings.ETCD_MEMBERS + " members on loopback");
        etcd.startAll(progress);

        String first = ha.members().get(0);
        boolean fresh = ha.members().stream().noneMatch(members::isInitialized);
        progress.step(fresh ? "Patroni on " + first + ": initdb, roles, pg_hba (" + ha.timings() + ")"
                : "Patroni on every member that has data");
        for (String member : fresh ? List.of(first) : ha.members().stream().filter(members::isInitialized).toList()) {
            members.start(member, secrets);
        }
        PatroniRest.View view = members.await(rest, "a running leader", Duration.ofSeconds(180),
                v -> v.leader().filter(PatroniRest.Member::isRunningOrStreaming).isPresent());
        String leader = view.leader().orElseThrow().name();
        progress.detail("leader: " + leader);

        progress.step("Pagila v" + PagilaFiles.VERSION + " on " + leader);
        PagilaFiles files = new PagilaFiles(ha.cluster().pagilaDir(), progress);
        String superPassword = secrets.password(Secrets.SUPERUSER);
        PagilaInstall.ensureLoaded(database -> Jdbc.connect(ha.pg(leader), database, Secrets.SUPERUSER, superPassword),
                files, secrets, progress);
        // Patroni makes the rewind login at bootstrap; a cluster bootstrapped when Patroni still rewound as the
        // superuser gets it here (idempotent: the same passwords, the same four functions)
        try (Connection postgres = Jdbc.connect(ha.pg(leader), "postgres", Secrets.SUPERUSER, superPassword)) {
            org.pagila.cluster.engine.Roles.createReplicationRoles(postgres, secrets);
        } catch (java.sql.SQLException e) {
            throw new ClusterException("Cannot make the rewind login on " + leader + ": " + e.getMessage(), e);
        }

        progress.step("standbys: Patroni clones each from " + leader + " (pg_basebackup) and streams through its slot");
        for (String member : ha.members()) {
            members.start(member, secrets);
        }
        members.await(rest, "all four members running", Duration.ofSeconds(300),
                v -> v.members().size() == HaSettings.MEMBERS && v.members().stream().allMatch(m -> m.isRunningOrStreaming()
                        && (m.isLeader() || m.lagBytes().map(l -> l < ha.replicaMaxLagBytes()).orElse(false))));

        progress.step("HAProxy: read-write 127.0.0.1:" + ha.readWritePort() + ", read-only 127.0.0.1:" + ha.readOnlyPort());
        startHaproxy();
        progress.info(String.format("Cluster up in %.1f s%n%n%s", Duration.between(started, Instant.now()).toMillis() / 1000.0,
                new HaStatus(this).table()));
    }

    public void startHaproxy() {
        var config = ha.haproxyDir().resolve("haproxy.cfg");
        try {
            Files.createDirectories(ha.haproxyDir());
            Files.writeString(config, new HaproxyConfig(ha).render());
        } catch (IOException e) {
            throw new ClusterException("Cannot write " + config + ": " + e.getMessage(), e);
        }
        ServiceUser.own(ha.haproxyDir());
        var check = org.pagila.cluster.transport.Shell.exec(List.of("haproxy", "-c", "-q", "-f", config.toString()));
        if (check.exitCode() != 0) {
            throw new ClusterException("HAProxy rejects the generated " + config + ":\n" + check.output());
        }
        haproxy().start(List.of("haproxy", "-f", config.toString()), Map.of());
    }

    /** Standbys first, the leader last: a leader stopped first would hand its key to a standby on its way out. */
    public void down() {
        haproxy().stop(Duration.ofSeconds(10));
        Optional<String> leader = Optional.empty();
        if (Files.isRegularFile(ha.cluster().secretsFile())) {
            leader = rest().view().flatMap(PatroniRest.View::leader).map(PatroniRest.Member::name);
        }
        String last = leader.orElse(ha.members().get(0));
        ha.members().stream().filter(m -> !m.equals(last)).parallel().forEach(members::stop);
        members.stop(last);
        progress.info("Patroni and PostgreSQL stopped on all members (the leader, " + last + ", last)");
        etcd.stopAll();
        progress.info("etcd and HAProxy stopped");
    }

    public void destroy() {
        if (Files.isDirectory(ha.haDir())) {
            ha.members().forEach(members::crash);
            haproxy().stop(Duration.ofSeconds(5));
            etcd.stopAll();
        }
        try {
            deleteTree(ha.cluster().clusterDir());
            progress.info("removed " + ha.cluster().clusterDir());
        } catch (IOException e) {
            throw new ClusterException("Cannot remove " + ha.cluster().clusterDir() + ": " + e.getMessage(), e);
        }
    }

    private static void deleteTree(java.nio.file.Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var all = Files.walk(root)) {
            for (var path : (Iterable<java.nio.file.Path>) all.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.delete(path);
            }
        }
    }

    private void createDirectories() {
        try {
            Files.createDirectories(ha.haDir());
            for (String member : ha.members()) {
                Files.createDirectories(ha.memberDir(member));
            }
        } catch (IOException e) {
            throw new ClusterException("Cannot create " + ha.haDir() + ": " + e.getMessage(), e);
        }
        ServiceUser.own(ha.haDir());
    }

    /** A superuser connection to one member's PostgreSQL (tests and status use it behind the store's back). */
    public Connection superuser(String member, String database) throws java.sql.SQLException {
        return Jdbc.connect(ha.pg(member), database, Secrets.SUPERUSER, secrets().password(Secrets.SUPERUSER));
    }
}
