package org.pagila.cluster.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.Progress;
import org.pagila.cluster.transport.Shell;

/**
 * What `kvm apply` would hand to libvirt and cloud-init, checked by their own tools, without a hypervisor:
 * libvirt's schemas (virt-xml-validate), libvirt's test driver (virsh -c test:///default), cloud-init's schema,
 * and netplan's parser. Tests needing a tool that is missing are skipped, saying which package brings it.
 */
class KvmFilesTest {
    private static final String TEST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHhNJ2gJwQDGc0ZD2h3YqkA9QlVh3gm5oE7YQe2cB0v6 pagila-kvm";
    private static final KvmConfig CONFIG = KvmConfig.load(KvmConfig.DEFAULT_FILE);
    private static final KvmFiles FILES = new KvmFiles(CONFIG, TEST_KEY);

    @TempDir
    static Path dir;

    @BeforeAll
    static void render() {
        KvmFiles.write(FILES.all(CONFIG.networkName()), CONFIG.workDir(), dir);
    }

    @Test
    void theConfigFileDocumentsTheBuiltInDefaults() {
        assertEquals(KvmConfig.from(KvmConfig.DEFAULT_FILE, new Properties()).withoutSource(), CONFIG.withoutSource(),
                "every value in cluster/kvm/topology.properties is the built-in default (the seed topology)");
        assertEquals("192.168.122.0/24", CONFIG.cidr());
        assertEquals(List.of("192.168.122.1", "192.168.122.101", "192.168.122.102", "192.168.122.103"),
                CONFIG.nodes().stream().map(KvmConfig.Node::address).toList());
        assertEquals("17", CONFIG.postgresVersion());
        assertTrue(CONFIG.imageUrl().toString().contains("24.04"), CONFIG.imageUrl().toString());
        assertEquals(3, CONFIG.vms().size(), "primary on the host: three VMs");
    }

    @Test
    void badValuesAreRefusedNamingTheKey() {
        Properties p = new Properties();
        p.setProperty("node2.address", "10.0.0.7");
        ClusterException e = assertThrows(ClusterException.class, () -> KvmConfig.from(Path.of("t.properties"), p));
        assertTrue(e.getMessage().contains("node2.address") && e.getMessage().contains("192.168.122.0/24"), e.getMessage());
        Properties vm = new Properties();
        vm.setProperty("primary.placement", "vm");
        e = assertThrows(ClusterException.class, () -> KvmConfig.from(Path.of("t.properties"), vm));
        assertTrue(e.getMessage().contains("own address"), e.getMessage());
        vm.setProperty("primary.address", "192.168.122.100");
        assertEquals(4, KvmConfig.from(Path.of("t.properties"), vm).vms().size(), "primary as a VM: four VMs");
    }

    @Test
    void networkXmlMatchesLibvirtsSchemaAndDefinesOnTheTestDriver() throws IOException {
        Path xml = dir.resolve(CONFIG.workDir().relativize(FILES.networkXmlFile()));
        validate(xml, "network");
        String defined = virshTest("net-define " + xml + "; net-dumpxml " + CONFIG.networkName());
        assertTrue(defined.contains("<ip address='192.168.122.1' netmask='255.255.255.0'>"), defined);
        assertTrue(defined.contains("ip='192.168.122.101'") && defined.contains("ip='192.168.122.103'"), defined);
    }

    @Test
    void domainXmlMatchesLibvirtsSchemaAndDefinesOnTheTestDriver() throws IOException {
        for (KvmConfig.Node node : CONFIG.vms()) {
            Path xml = dir.resolve(CONFIG.workDir().relativize(FILES.domainXmlFile(node)));
            validate(xml, "domain");
            String info = virshTest("define " + xml + "; dominfo " + CONFIG.domainName(node) + "; domiflist " + CONFIG.domainName(node)
                    + "; domblklist " + CONFIG.domainName(node));
            assertTrue(info.contains("CPU(s):         2") && info.contains("2097152 KiB"), info);
            assertTrue(info.contains(node.mac()) && info.contains(FILES.disk(node.name()).toString())
                    && info.contains(FILES.seedIso(node.name()).toString()), info);
        }
    }

    @Test
    void userDataPassesCloudInitsSchema() {
        assumeTool("cloud-init", "cloud-init");
        List<String> names = CONFIG.vms().stream().map(KvmConfig.Node::name).toList();
        for (String name : concat(names, "golden")) {
            Path userData = dir.resolve("seed-" + name).resolve("user-data");
            Shell.Result result = Shell.exec(List.of("cloud-init", "schema", "--config-file", userData.toString()));
            assertEquals(0, result.exitCode(), name + " user-data: " + result.output());
            assertTrue(result.output().contains("Valid cloud-config"), result.output());
        }
        Shell.Result broken = Shell.exec(List.of("cloud-init", "schema", "--config-file", write("bad-user-data",
                "#cloud-config\nssh_pwauth: maybe-later\npackages: {postgresql: 17}\n").toString()));
        assertNotEquals(0, broken.exitCode(), "the schema check can fail: " + broken.output());
    }

    @Test
    void userDataNamesAllFourNodesAndTheKey() throws IOException {
        String userData = Files.readString(dir.resolve("seed-node2/user-data"));
        assertTrue(userData.startsWith("#cloud-config\n"));
        for (KvmConfig.Node node : CONFIG.nodes()) {
            assertTrue(userData.contains("      " + node.address() + " " + node.name() + "\n"), userData);
        }
        assertTrue(userData.contains("hostname: node2") && userData.contains(TEST_KEY), userData);
        assertEquals("instance-id: pagila-node2\nlocal-hostname: node2\n", Files.readString(dir.resolve("seed-node2/meta-data")));
    }

    @Test
    void networkConfigIsValidNetplan() throws IOException {
        assumeTool("netplan", "netplan.io");
        for (KvmConfig.Node node : CONFIG.vms()) {
            Path root = dir.resolve("netplan-" + node.name());
            Path yaml = root.resolve("etc/netplan/50-cloud-init.yaml");
            Files.createDirectories(yaml.getParent());
            Files.copy(dir.resolve("seed-" + node.name()).resolve("network-config"), yaml);
            Files.setPosixFilePermissions(yaml, PosixFilePermissions.fromString("rw-------"));
            Shell.Result result = Shell.exec(List.of("netplan", "generate", "--root-dir", root.toString()));
            assertEquals(0, result.exitCode(), node.name() + " network-config: " + result.output());
            // netplan's systemd-networkd output carries the static address and the gateway
            String networkd = Files.readString(root.resolve("run/systemd/network/10-netplan-uplink.network"));
            assertTrue(networkd.contains("Address=" + node.address() + "/24") && networkd.contains("Gateway=192.168.122.1"), networkd);
            assertTrue(networkd.contains("MACAddress=" + node.mac()), networkd);
        }
        Path root = dir.resolve("netplan-broken");
        Path yaml = root.resolve("etc/netplan/50-cloud-init.yaml");
        Files.createDirectories(yaml.getParent());
        Files.writeString(yaml, "network:\n  version: 2\n  ethernets:\n    uplink:\n      addresses: [not-an-address]\n");
        Files.setPosixFilePermissions(yaml, PosixFilePermissions.fromString("rw-------"));
        assertNotEquals(0, Shell.exec(List.of("netplan", "generate", "--root-dir", root.toString())).exitCode(),
                "netplan's check can fail");
    }

    @Test
    void planDescribesEveryActionInOrderAndTouchesNothing() {
        KvmConfig config = CONFIG.inWorkDir(dir.resolve("never-created"));
        String plan = new KvmTopology(config, Progress.quiet()).plan();
        assertFalse(Files.exists(config.workDir()), "plan created " + config.workDir());
        List<String> order = List.of("libvirt network 'pagila'", "Ubuntu 24.04 cloud image", "SHA256SUMS", "golden image",
                "node1: copy-on-write overlay", "node1: cloud-init seed", "node1: domain pagila-node1", "node3: domain pagila-node3",
                // the primary is set up while the standby VMs boot and get what needs no primary
                "at once, each in its own order: primary, node1, node2, node3",
                "primary: settings", "listen_addresses='192.168.122.1'", "primary: pg_hba.conf",
                "the superuser only from 192.168.122.1/32", "primary: physical replication slots node1_slot, node2_slot, node3_slot",
                "node1: wait for SSH", "node1: settings", "listen_addresses='192.168.122.101'", "node3: settings",
                // then the clones, each through its own slot
                "at once, each in its own order: node1, node2, node3", "node1: stop", "node1: empty the data directory",
                "node1: /usr/lib/postgresql/17/bin/pg_basebackup -h 192.168.122.1 -p 5432 -U replicator -D /var/lib/postgresql/17/main -R -X stream -S node1_slot",
                "node3: verify");
        int at = -1;
        for (String action : order) {
            int next = plan.indexOf(action, at + 1);
            assertTrue(next > at, "'" + action + "' missing or out of order in:\n" + plan);
            at = next;
        }
    }

    @Test
    void checksumIsTakenFromThePublishedList() {
        String sums = "0a5e4b1d7c2f3e4d5c6b7a8f9e0d1c2b3a4f5e6d7c8b9a0f1e2d3c4b5a6f7e8d *ubuntu-24.04-server-cloudimg-amd64.img\n"
                + "1111111111111111111111111111111111111111111111111111111111111111 *ubuntu-24.04-server-cloudimg-arm64.img\n";
        assertEquals("0a5e4b1d7c2f3e4d5c6b7a8f9e0d1c2b3a4f5e6d7c8b9a0f1e2d3c4b5a6f7e8d",
                GoldenImage.checksumFor(sums, "ubuntu-24.04-server-cloudimg-amd64.img"));
        assertThrows(ClusterException.class, () -> GoldenImage.checksumFor(sums, "ubuntu-24.04-server-cloudimg-riscv64.img"));
    }

    @Test
    void theNodesArchiveWalWithSettingsPostgresqlsOwnParserAccepts() throws IOException {
        String settings = Files.readString(dir.resolve("postgresql/pagila-cluster.conf"));
        String command = "/var/lib/pagila-backup/archive-wal.sh \"%p\" \"%f\"";
        assertTrue(settings.contains("archive_mode = always\n") && settings.contains("archive_command = '" + command + "'\n"), settings);
        assertEquals(command, postgresSetting(settings, "archive_command"));
        assertEquals("always", postgresSetting(settings, "archive_mode"));
        AssertionError broken = assertThrows(AssertionError.class, () -> postgresSetting("archive_mode = sometimes\n", "archive_mode"));
        assertTrue(broken.getMessage().contains("invalid value for parameter \"archive_mode\""), "the parser can fail: " + broken);
        // the archive is made over SSH after boot (a Debian-built image never runs cloud-init's runcmd), on every VM
        String userData = Files.readString(dir.resolve("seed-node1/user-data"));
        assertFalse(userData.contains("runcmd") || userData.contains("pagila-backup"), userData);
        String plan = new KvmTopology(KvmConfig.load(KvmConfig.DEFAULT_FILE).inWorkDir(dir.resolve("plan")), Progress.quiet()).plan();
        for (String vm : List.of("node1", "node2", "node3")) {
            int boot = plan.indexOf(vm + ": wait for SSH");
            int archive = plan.indexOf(vm + ": own WAL archive /var/lib/pagila-backup/wal and archive-wal.sh on the node");
            assertTrue(boot >= 0 && archive > boot && archive < plan.indexOf(vm + ": stop"), plan);
        }
    }

    @Test
    void theBackupTimerPassesSystemdsVerifyAndTheCronLineRunsTheSameCommand() throws IOException {
        assumeTool("systemd-analyze", "systemd");
        Path backup = dir.resolve("backup");
        String service = Files.readString(backup.resolve("pagila-backup.service"));
        assertTrue(service.contains("ExecStart=" + Path.of("").toAbsolutePath().resolve("cluster/pagila-cluster") + " kvm backup\n"),
                service);
        Shell.Result verify = Shell.exec(List.of("systemd-analyze", "verify", "--man=no",
                backup.resolve("pagila-backup.timer").toString(), backup.resolve("pagila-backup.service").toString()));
        assertEquals(0, verify.exitCode(), verify.output());
        assertEquals("", verify.output(), "no warnings either");
        Path broken = write("pagila-broken.timer", Files.readString(backup.resolve("pagila-backup.timer")).replace("30min", "thirty"));
        assertFalse(Shell.exec(List.of("systemd-analyze", "verify", "--man=no", broken.toString())).output().isEmpty(),
                "systemd's check can complain");
        String cron = Files.readString(backup.resolve("pagila-backup.cron"));
        assertTrue(cron.lines().anyMatch(line -> line.matches("\\*/30 \\* \\* \\* \\* root PAGILA_KVM_CONFIG=/\\S+ /\\S+/cluster/pagila-cluster"
                + " kvm backup >> /var/log/pagila-backup.log 2>&1")), cron);
    }

    // ---- helpers ----

    /**
     * One setting as PostgreSQL's own configuration parser reads it from these settings (postgres -C, with this
     * machine's PostgreSQL: the settings exist in every supported version); fails with the parser's message.
     */
    private static String postgresSetting(String settings, String name) {
        Path postgres;
        try (var versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            postgres = versions.map(v -> v.resolve("bin/postgres")).filter(Files::isExecutable).findFirst().orElse(null);
        } catch (IOException e) {
            postgres = null;
        }
        assumeTool(postgres == null ? "postgres-not-installed" : postgres.toString(), "postgresql-15");
        Path check = dir.resolve("pg-check-" + System.nanoTime());
        try {
            Files.createDirectories(check);
            Files.writeString(check.resolve("settings.conf"), settings);
            Files.writeString(check.resolve("postgresql.conf"), "data_directory = '" + check + "'\nhba_file = '" + check
                    + "/pg_hba.conf'\nident_file = '" + check + "/pg_ident.conf'\ninclude 'settings.conf'\n");
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setPosixFilePermissions(check, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        // PostgreSQL refuses to run as root, even to read its settings
        org.pagila.cluster.transport.ServiceUser.ensureExists(Path.of("/var/lib/pagila-store"));
        List<String> command = org.pagila.cluster.transport.ServiceUser.wrap(List.of(postgres.toString(),
                "--config-file=" + check.resolve("postgresql.conf"), "-C", name));
        Shell.Result result = Shell.exec(command);
        if (result.exitCode() != 0) {
            throw new AssertionError("postgres -C " + name + " failed: " + result.output());
        }
        return result.output().lines().filter(l -> !l.contains("LOG:")).reduce((a, b) -> b).orElse("").strip();
    }

    private static void validate(Path xml, String schema) {
        assumeTool("virt-xml-validate", "libvirt-clients");
        assumeTool("xmllint", "libxml2-utils");
        Shell.Result result = Shell.exec(List.of("virt-xml-validate", xml.toString(), schema));
        assertEquals(0, result.exitCode(), xml.getFileName() + ": " + result.output());
        assertTrue(result.output().contains("validates"), result.output());
    }

    /** One virsh session on libvirt's in-process test driver: nothing outside this process is touched. */
    private static String virshTest(String commands) {
        assumeTool("virsh", "libvirt-clients");
        Shell.Result result = Shell.exec(List.of("virsh", "-c", "test:///default", commands));
        assertEquals(0, result.exitCode(), result.output());
        return result.output();
    }

    private static void assumeTool(String program, String debianPackage) {
        boolean present = Shell.exec(List.of("sh", "-c", "command -v " + program)).exitCode() == 0;
        if (!present && "true".equals(System.getenv("CI"))) {
            throw new IllegalStateException("CI=true and no " + program + " (Debian package " + debianPackage + ")");
        }
        if (!present) {
            System.out.println("[kvm] SKIPPED a KvmFilesTest check: no " + program + " (Debian package " + debianPackage + ")");
        }
        assumeTrue(present, "no " + program + " (Debian package " + debianPackage + ")");
    }

    private static Path write(String name, String content) {
        try {
            return Files.writeString(dir.resolve(name), content);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> concat(List<String> names, String extra) {
        return java.util.stream.Stream.concat(names.stream(), java.util.stream.Stream.of(extra)).toList();
    }
}
