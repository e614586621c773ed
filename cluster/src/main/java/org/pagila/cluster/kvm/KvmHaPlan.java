package org.pagila.cluster.kvm;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.pagila.cluster.Await;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.ClusterSettings;
import org.pagila.cluster.Jdbc;
import org.pagila.cluster.engine.Plan;
import org.pagila.cluster.engine.Step;
import org.pagila.cluster.ha.PatroniRest;
import org.pagila.cluster.pagila.PagilaFiles;
import org.pagila.cluster.pagila.PagilaInstall;
import org.pagila.cluster.secrets.Secrets;
import org.pagila.cluster.transport.NodeTransport;

/**
 * `kvm apply --ha`: the same machines as KvmPlan, then etcd on node1..node3 and Patroni on all four VMs instead of the
 * engine's PostgreSQL steps. Patroni initialises the first member, clones the others and manages slots, pg_hba and
 * failover; like `up --ha` we only load Pagila into whichever member Patroni made the leader. `kvm plan --ha` prints
 * these steps' descriptions.
 */
final class KvmHaPlan {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final KvmContext kvm;
    private final KvmHaFiles files;

    private KvmHaPlan(KvmContext kvm) {
        this.kvm = kvm;
        this.files = new KvmHaFiles(kvm.config);
    }

    static Plan of(KvmContext kvm) {
        return new KvmHaPlan(kvm).plan();
    }

    private Plan plan() {
        KvmConfig config = kvm.config;
        List<Step> steps = new ArrayList<>(KvmPlan.machines(kvm));
        for (KvmConfig.Node node : files.etcdNodes()) {
            steps.add(Step.of(node.name(), "etcd member " + node.name() + ": " + KvmHaFiles.ETCD_DEFAULTS + " (peers "
                    + String.join(", ", files.etcdNodes().stream().map(n -> n.address() + ":" + KvmHaFiles.ETCD_PEER_PORT).toList())
                    + ", clients " + node.address() + ":" + KvmHaFiles.ETCD_CLIENT_PORT + ", data " + KvmHaFiles.ETCD_DATA_DIR
                    + "), systemctl enable etcd, restart unless it runs with this file",
                    () -> runsWith(node, "etcd", KvmHaFiles.ETCD_DEFAULTS, files.etcdDefaults(node)),
                    () -> etcdMember(node)));
        }
        steps.add(Step.of("", "etcd quorum: etcdctl endpoint health on " + String.join(", ", files.etcdHosts()) + " (up to 90 s)",
                this::awaitEtcd));
        for (KvmConfig.Node node : config.nodes()) {
            steps.add(Step.of(node.name(), "the packaged cluster " + config.postgresVersion() + "/main dropped (pg_dropcluster --stop"
                    + " " + config.postgresVersion() + " main): Patroni owns PostgreSQL " + config.postgresVersion() + " on this VM",
                    () -> ssh(node).execAdmin(List.of("test", "!", "-d", "/etc/postgresql/" + config.postgresVersion() + "/main")).exitCode() == 0,
                    () -> ssh(node).runAdmin(List.of("pg_dropcluster", "--stop", config.postgresVersion(), "main"))));
        }
        KvmConfig.Node first = config.node("primary");
        steps.add(patroni(first, "Patroni there runs initdb and creates the roles (bootstrap)"));
        steps.add(Step.of("", "wait for a running Patroni leader (REST " + files.restUrl(first) + "/cluster from this host)",
                () -> awaitPatroni("a running leader", v -> v.stream().anyMatch(m -> m.isLeader() && m.isRunningOrStreaming()))));
        steps.add(Step.of("", "Pagila v" + PagilaFiles.VERSION + " into the leader Patroni chose (JDBC from this host)", this::loadPagila));
        for (KvmConfig.Node node : config.nodes().stream().filter(n -> !n.equals(first)).toList()) {
            steps.add(patroni(node, "Patroni there clones it from the leader (pg_basebackup) and streams through its slot"));
        }
        steps.add(Step.of("", "wait until all four members run, the standbys streaming",
                () -> awaitPatroni("four running members", v -> v.size() == config.nodes().size()
                        && v.stream().allMatch(PatroniRest.Member::isRunningOrStreaming))));
        return new Plan(steps);
    }

    private Step patroni(KvmConfig.Node node, String what) {
        KvmConfig config = kvm.config;
        return Step.of(node.name(), "Patroni member " + node.name() + ": " + KvmHaFiles.PATRONI_CONFIG + " (scope " + files.scope()
                + ", etcd3 hosts " + String.join(", ", files.etcdHosts()) + ", bin_dir " + files.binDir() + ", data_dir " + files.dataDir()
                + ", PostgreSQL " + node.address() + ":" + config.postgresPort() + ", REST " + node.address() + ":" + KvmHaFiles.REST_PORT
                + ", pg_hba " + config.cidr() + " scram-sha-256 with replication for replicator only, the superuser from "
                + config.hostAddress() + "/32 and the member only, slots, pg_rewind as " + Secrets.REWIND_USER + "), systemctl"
                + " enable patroni, reload-or-restart; " + what,
                () -> runsWith(node, "patroni", KvmHaFiles.PATRONI_CONFIG, files.patroniConfig(node, secrets())),
                () -> {
                    put(node, KvmHaFiles.PATRONI_CONFIG, files.patroniConfig(node, secrets()), "postgres", "600");
                    ssh(node).runAdmin(List.of("systemctl", "enable", "patroni"));
                    ssh(node).runAdmin(List.of("systemctl", "reload-or-restart", "patroni"));
                });
    }

    private void etcdMember(KvmConfig.Node node) {
        put(node, KvmHaFiles.ETCD_DEFAULTS, files.etcdDefaults(node), "root", "644");
        ssh(node).runAdmin(List.of("systemctl", "enable", "etcd"));
        // the first member waits for a quorum before it reports ready: do not block on it
        ssh(node).runAdmin(List.of("systemctl", "restart", "--no-block", "etcd"));
    }

    /** A service is running with exactly this file: nothing to do. */
    private boolean runsWith(KvmConfig.Node node, String service, String path, String content) {
        NodeTransport ssh = ssh(node);
        return ssh.execAdmin(List.of("systemctl", "is-active", "--quiet", service)).exitCode() == 0
                && ssh.execAdmin(List.of("sha256sum", path)).output().startsWith(sha256(content));
    }

    /** Writes a file as root with an owner and mode: content over stdin to a file of the service user, then install(1). */
    private void put(KvmConfig.Node node, String path, String content, String owner, String mode) {
        NodeTransport ssh = ssh(node);
        String upload = "/var/lib/postgresql/.pagila-upload";
        ssh.writeFile(upload, content);
        ssh.runAdmin(List.of("install", "-D", "-o", owner, "-g", owner, "-m", mode, upload, path));
        ssh.runAdmin(List.of("rm", "-f", upload));
    }

    private void awaitEtcd() {
        NodeTransport ssh = ssh(files.etcdNodes().get(0));
        List<String> health = List.of("etcdctl", "--endpoints=" + String.join(",", files.etcdHosts()), "endpoint", "health");
        Await.until("etcd quorum on " + files.etcdHosts(), Duration.ofSeconds(90), Duration.ofSeconds(2),
                () -> ssh.execAdmin(health).exitCode() == 0, () -> ssh.execAdmin(health).output());
    }

    private List<PatroniRest.Member> patroniView() {
        for (KvmConfig.Node node : kvm.config.nodes()) {
            try {
                HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(files.restUrl(node) + "/cluster"))
                        .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
                return PatroniRest.members(JSON.readTree(response.body()));
            } catch (IOException e) {
                // that member's Patroni is not up (yet): ask the next
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ClusterException("Interrupted while asking Patroni", e);
            }
        }
        return List.of();
    }

    private void awaitPatroni(String what, java.util.function.Predicate<List<PatroniRest.Member>> condition) {
        Await.until(what + " (Patroni)", Duration.ofMinutes(5), Duration.ofSeconds(2), () -> condition.test(patroniView()),
                () -> "Patroni says: " + patroniView() + "; see `journalctl -u patroni` on the VMs");
    }

    private void loadPagila() {
        String leader = patroniView().stream().filter(PatroniRest.Member::isLeader).map(PatroniRest.Member::name).findFirst()
                .orElseThrow(() -> new ClusterException("Patroni has no leader to load Pagila into"));
        KvmConfig.Node node = kvm.config.node(leader);
        Secrets secrets = secrets();
        ClusterSettings.NodeAddress address = new ClusterSettings.NodeAddress(leader, node.address(), kvm.config.postgresPort());
        PagilaInstall.ensureLoaded(database -> Jdbc.connect(address, database, Secrets.SUPERUSER, secrets.password(Secrets.SUPERUSER)),
                new PagilaFiles(PagilaFiles.dirFromEnvironment(), kvm.progress), secrets, kvm.progress);
    }

    private NodeTransport ssh(KvmConfig.Node node) {
        return kvm.ssh(node);
    }

    /** Created when a step runs, never by a plan. */
    private Secrets secrets() {
        return Secrets.loadOrCreate(kvm.secretsFile());
    }

    /**
     * `kvm render --ha`: the VMs' Patroni and etcd files under target/ha-NODE/. With apply's secrets once they exist;
     * before that with passwords made for the rendering alone. patroni.yml holds passwords: readable by its owner only.
     */
    static void render(KvmContext kvm, Path target) {
        KvmHaFiles files = new KvmHaFiles(kvm.config);
        try {
            Path scratch = Files.createTempDirectory("pagila-render");
            Secrets secrets = Files.isRegularFile(kvm.secretsFile()) ? Secrets.load(kvm.secretsFile())
                    : Secrets.loadOrCreate(scratch.resolve("secrets.properties"));
            Map<Path, String> all = files.all(secrets);
            KvmContext.deleteTree(scratch);
            KvmFiles.write(all, kvm.config.workDir(), target);
            for (Path file : all.keySet()) {
                if (file.endsWith(Path.of(KvmHaFiles.PATRONI_CONFIG.substring(1)))) {
                    Files.setPosixFilePermissions(target.resolve(kvm.config.workDir().relativize(file)),
                            PosixFilePermissions.fromString("rw-------"));
                }
            }
        } catch (IOException e) {
            throw new ClusterException("Cannot render the Patroni files to " + target + ": " + e.getMessage(), e);
        }
    }

    static String sha256(String content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
