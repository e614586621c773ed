package org.pagila.cluster.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.Progress;
import org.pagila.cluster.ha.HaSettings;
import org.pagila.cluster.ha.PatroniConfig;
import org.pagila.cluster.secrets.Secrets;
import org.pagila.cluster.transport.Shell;

/**
 * `kvm plan|render --ha` without a hypervisor: the plan shows the Patroni and etcd steps apply runs, and the files
 * those steps send are checked by the programs that will read them: etcd (the three members must form a quorum from
 * their generated settings) and Patroni's own `--validate-config`, both inside a network namespace of the test's own
 * that holds the VMs' addresses (never the host).
 */
class KvmHaFilesTest {
    private static final KvmConfig CONFIG = KvmConfig.load(Path.of("cluster", "kvm", "topology-ha.properties"));

    @TempDir
    Path dir;

    @Test
    void planShowsEtcdAndPatroniStepsInOrderInsteadOfTheEngineStepsAndTouchesNothing() {
        KvmConfig config = CONFIG.inWorkDir(dir.resolve("never-created"));
        String plan = new KvmTopology(config, Progress.quiet(), true).plan();
        assertFalse(Files.exists(config.workDir()), "plan created " + config.workDir());
        List<String> order = List.of("Patroni + etcd", "golden image", "-patroni.qcow2", KvmHaFiles.PACKAGES,
                "primary: domain pagila-primary", "node3: wait for SSH",
                "primary: own WAL archive /var/lib/pagila-backup/wal", "node3: own WAL archive /var/lib/pagila-backup/wal",
                "node1: etcd member node1: /etc/default/etcd (peers 192.168.122.101:2380, 192.168.122.102:2380, 192.168.122.103:2380",
                "node3: etcd member node3", "etcd quorum: etcdctl endpoint health on 192.168.122.101:2379",
                "primary: the packaged cluster 17/main dropped", "node3: the packaged cluster 17/main dropped",
                "primary: Patroni member primary: /etc/patroni/config.yml", "bin_dir /usr/lib/postgresql/17/bin",
                "PostgreSQL 192.168.122.100:5432", "pg_hba 192.168.122.0/24", "initdb",
                "wait for a running Patroni leader (REST http://192.168.122.100:8008/cluster", "Pagila v",
                "node1: Patroni member node1", "clones it from the leader", "node3: Patroni member node3", "all four members run");
        int at = -1;
        for (String action : order) {
            int next = plan.indexOf(action, at + 1);
            assertTrue(next > at, "'" + action + "' missing or out of order in:\n" + plan);
            at = next;
        }
        assertFalse(plan.contains("physical replication slots"), "the engine's own steps do not run under Patroni:\n" + plan);
        assertFalse(new KvmTopology(config, Progress.quiet()).plan().contains("Patroni"), "without --ha nothing of Patroni");
    }

    @Test
    void haRefusesAPrimaryOnTheHostAndTheDebianImageSayingWhy() {
        KvmConfig seed = KvmConfig.load(KvmConfig.DEFAULT_FILE);
        ClusterException host = assertThrows(ClusterException.class, () -> new KvmTopology(seed, Progress.quiet(), true));
        assertTrue(host.getMessage().contains("primary.placement = vm"), host.getMessage());
        java.util.Properties debian = new java.util.Properties();
        debian.setProperty("primary.placement", "vm");
        debian.setProperty("primary.address", "192.168.122.100");
        debian.setProperty("image.source", "debian");
        ClusterException image = assertThrows(ClusterException.class,
                () -> new KvmHaFiles(KvmConfig.from(Path.of("t.properties"), debian)));
        assertTrue(image.getMessage().contains("ubuntu-cloud"), image.getMessage());
    }

    @Test
    void patroniYmlPerVmHasTheVmAddressesPgdgBinariesAndTheSameRulesAsUpHa() throws Exception {
        Secrets secrets = Secrets.loadOrCreate(dir.resolve("secrets.properties"));
        KvmHaFiles files = new KvmHaFiles(CONFIG);
        for (KvmConfig.Node node : CONFIG.nodes()) {
            JsonNode yml = new YAMLMapper().readTree(files.patroniConfig(node, secrets));
            assertEquals(node.name(), yml.path("name").asText());
            assertEquals(List.of("192.168.122.101:2379", "192.168.122.102:2379", "192.168.122.103:2379"), texts(yml.path("etcd3").path("hosts")));
            assertEquals(node.address() + ":8008", yml.path("restapi").path("connect_address").asText());
            assertEquals(node.address() + ":5432", yml.path("postgresql").path("listen").asText());
            assertEquals("/usr/lib/postgresql/17/bin", yml.path("postgresql").path("bin_dir").asText());
            assertEquals("/var/lib/postgresql/17/patroni", yml.path("postgresql").path("data_dir").asText());
        }
        // the same roles, rules, slots and rewind as the loopback profile: only the network differs
        HaSettings local = HaSettings.from(key -> Optional.ofNullable(Map.of("pagila.cluster.home", dir.toString()).get(key)));
        JsonNode vm = new YAMLMapper().readTree(files.patroniConfig(CONFIG.node("node2"), secrets));
        JsonNode loopback = new YAMLMapper().readTree(PatroniConfig.of(local, "node2", secrets).render());
        // the superuser's rules name single addresses: the member itself (Patroni) and the host (the tooling), never
        // the /24, as without --ha; every other rule is the loopback profile's with the VMs' network
        List<String> superuser = List.of("local all postgres scram-sha-256", "host all postgres 192.168.122.102/32 scram-sha-256",
                "host all postgres 192.168.122.1/32 scram-sha-256");
        assertEquals(superuser, hba(vm).stream().filter(l -> l.matches("(local|host) all postgres .*")).toList());
        assertEquals(hba(loopback).stream().filter(l -> !l.matches("(local|host) all postgres .*"))
                .map(l -> l.replace("127.0.0.1/32", "192.168.122.0/24")).toList(),
                hba(vm).stream().filter(l -> !superuser.contains(l)).toList());
        assertEquals(loopback.path("bootstrap").path("dcs").path("postgresql"), vm.path("bootstrap").path("dcs").path("postgresql"));
        assertEquals(loopback.path("postgresql").path("authentication"), vm.path("postgresql").path("authentication"));
        assertEquals(Secrets.REWIND_USER, vm.path("postgresql").path("authentication").path("rewind").path("username").asText(),
                "Patroni rewinds as the rewind login, so no member needs the superuser of another");
        assertEquals(List.of("host replication replicator 192.168.122.0/24 scram-sha-256"),
                hba(vm).stream().filter(l -> l.contains("replicator")).toList(), "the replicator may only replicate");
        assertEquals(List.of("host postgres pagila_backup,pagila_rewind 192.168.122.0/24 scram-sha-256"),
                hba(vm).stream().filter(l -> l.contains("pagila_rewind")).toList(), "backups and pg_rewind: database postgres only");
    }

    @Test
    void etcdSettingsAreEtcdsOwnFlagsAndTheThreeMembersAgreeOnTheirCluster() {
        KvmHaFiles files = new KvmHaFiles(CONFIG);
        assumeProgram("etcd", "etcd-server");
        String help = Shell.exec(List.of("etcd", "--help")).output();
        Set<String> initialClusters = new LinkedHashSet<>();
        for (KvmConfig.Node node : files.etcdNodes()) {
            for (String line : files.etcdDefaults(node).lines().filter(l -> l.startsWith("ETCD_")).toList()) {
                String key = line.substring(0, line.indexOf('='));
                String flag = "--" + key.substring("ETCD_".length()).toLowerCase(java.util.Locale.ROOT).replace('_', '-');
                assertTrue(help.contains(flag + " "), key + " is no flag of the installed etcd (" + flag + ")");
                if (key.equals("ETCD_INITIAL_CLUSTER")) {
                    initialClusters.add(line);
                }
            }
            assertTrue(files.etcdDefaults(node).contains("ETCD_LISTEN_PEER_URLS=http://" + node.address() + ":2380\n"));
        }
        assertEquals(1, initialClusters.size(), "one initial cluster for all: " + initialClusters);
        assertThrows(IllegalArgumentException.class, () -> files.etcdDefaults(CONFIG.node("primary")), "etcd runs on node1..node3 only");
    }

    @Test
    void renderedFilesFormAnEtcdQuorumAndPassPatronisValidatorInANamespaceOfTheTestsOwn() throws Exception {
        assumeProgram("etcd", "etcd-server");
        assumeProgram("patroni", "patroni");
        assumeProgram("unshare", "util-linux");
        boolean root = "0".equals(Shell.exec(List.of("id", "-u")).output().strip());
        assumeTrue(root || "true".equals(System.getenv("CI")), "network namespaces need root");
        Path localBin = Path.of("/usr/lib/postgresql/15/bin");
        assumeTrue(Files.isDirectory(localBin) || "true".equals(System.getenv("CI")), "no PostgreSQL 15 (postgresql-15)");

        KvmConfig config = CONFIG.inWorkDir(dir.resolve("work"));
        Path rendered = dir.resolve("rendered");
        new KvmTopology(config, Progress.quiet(), true).render(rendered);
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(rendered.resolve("ha-node1/etc/patroni/config.yml"))), "patroni.yml holds passwords");
        // the validator can fail: the same file with a REST API that has no port
        String good = Files.readString(rendered.resolve("ha-node1/etc/patroni/config.yml"));
        Files.writeString(rendered.resolve("broken-patroni.yml"), good.replace("connect_address: 192.168.122.101:8008", "connect_address: 127.0.0.1"));

        List<String> command = new ArrayList<>(List.of("unshare", "--net", "--mount", "--propagation", "private", "bash",
                script().toString(), rendered.toString(), "/usr/lib/postgresql/17/bin", localBin.toString()));
        CONFIG.nodes().forEach(n -> command.add(n.address()));
        Shell.Result result = Shell.exec(command);
        System.out.println("[kvm-ha] " + result.output().strip().replace("\n", "\n[kvm-ha] "));
        assertEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().contains("etcd members: 3"), result.output());
        for (KvmConfig.Node node : CONFIG.nodes()) {
            assertTrue(result.output().contains("ha-" + node.name() + "/etc/patroni/config.yml: valid"), result.output());
        }
        assertTrue(result.output().contains("broken-patroni.yml: INVALID"), "the validator must be able to fail: " + result.output());
        assertFalse(Files.exists(Path.of("/usr/lib/postgresql/17")), "nothing of PostgreSQL 17 was left on the host");
    }

    private Path script() throws IOException {
        Path script = dir.resolve("validate-ha-files.sh");
        try (InputStream in = getClass().getResourceAsStream("validate-ha-files.sh")) {
            Files.write(script, in.readAllBytes());
        }
        return script;
    }

    private static List<String> hba(JsonNode yml) {
        List<String> lines = new ArrayList<>();
        yml.path("postgresql").path("pg_hba").forEach(l -> lines.add(l.asText().replaceAll("\\s+", " ")));
        return lines;
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    private static void assumeProgram(String program, String debianPackage) {
        boolean present = Shell.exec(List.of("sh", "-c", "command -v " + program)).exitCode() == 0;
        if (!present && "true".equals(System.getenv("CI"))) {
            throw new IllegalStateException("CI=true and no " + program + " (Debian package " + debianPackage + ")");
        }
        assumeTrue(present, "no " + program + " (Debian package " + debianPackage + ")");
    }
}
