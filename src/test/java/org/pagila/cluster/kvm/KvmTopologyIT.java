package org.pagila.cluster.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.pagila.cluster.kvm.KvmTimings.seconds;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.pagila.cluster.Progress;
import org.pagila.cluster.secrets.Secrets;
import org.pagila.cluster.transport.Shell;
import org.pagila.store.web.TestPorts;

/**
 * The KVM topology for real: four VMs (primary and node1..node3, Debian golden image, direct kernel boot) on a
 * libvirtd of the test's own, in a network namespace the test creates; `kvm apply`, the store (packaged, not
 * embedded) on the VMs, `kvm backup` from a standby VM, `kvm promote` after the primary dies, `kvm rejoin`, `kvm restore
 * --latest` on the host past the failover (the VMs' own WAL archives collected), `kvm status`, `kvm destroy`.
 * Under QEMU's software emulation where KVM cannot run. Prints the timings and memory README's table shows.
 * Needs root, qemu, libvirt, debootstrap: with CI=true their absence fails the run, otherwise it skips, saying so.
 */
class KvmTopologyIT {
    private static final int BLOCK = TestPorts.blockOr(24000);
    private static final Path ROOT = Path.of("/var/tmp/pagila-kvm-it-" + BLOCK);
    private static final Path CACHE = Path.of(Optional.ofNullable(System.getenv("PAGILA_KVM_IMAGE_CACHE")).orElse("/var/cache/pagila-kvm"));

    private final KvmTimings measured = new KvmTimings();
    /** The backup issue's steps, run on the same VMs to spare a second boot: kept apart in the report. */
    private Duration backupSteps = Duration.ZERO;

    @Test
    void applyFailoverRejoinAndDestroyOnRealVmsInAPrivateNamespace() throws Exception {
        requirePrerequisites();
        Instant testStart = Instant.now();
        Progress progress = new Progress(System.out, 1);
        Process store = null;
        boolean ours = false;
        Path libvirtDir = ROOT.resolveSibling(ROOT.getFileName() + "-libvirt");
        try (NetnsLibvirt netns = new NetnsLibvirt("pagila-kvm-" + BLOCK, "virbr-pagila", "192.168.122.1/24", libvirtDir, progress)) {
            // First the namespace: it refuses while another run of this test owns it, whose files are then left alone too.
            netns.start();
            ours = true;
            deleteTree(ROOT);
            Files.createDirectories(ROOT);
            assertFalse(Shell.exec(List.of("ip", "-4", "-o", "addr")).output().contains("192.168.122."),
                    "the topology's subnet must exist only inside the namespace");
            assertEquals("", netns.virsh("net-list", "--all", "--name").output().strip(),
                    "the private libvirtd has no network at all (Debian's `default` one on 192.168.122.1 is not in its configuration)");

            Path configFile = writeConfig(netns.uri());
            KvmSandbox vms = new KvmSandbox(netns, configFile);
            // The image is built on the host side: the namespace has no route to the Debian mirror.
            Duration build = new DebianGoldenImage(vms.config()).ensureBuilt(progress);
            measured.put("golden image (debootstrap, once per inputs)", build.isZero() ? "cached" : seconds(build));

            String plan = vms.kvm(120, "plan").output();
            assertTrue(plan.contains("acceleration: ") && plan.contains(Acceleration.choose("auto").describe()), plan);
            measured.put("acceleration", Acceleration.choose("auto").kind().name());

            Instant applyStart = Instant.now();
            Shell.Result apply = vms.kvm(1800, "apply");
            measured.recordBootTimes(apply.output());
            assertEquals(0, apply.exitCode(), "kvm apply failed:\n" + apply.output() + vms.consoles() + vms.postgresLogs());
            measured.put("apply end to end (boot 4 VMs, PostgreSQL, Pagila, 3 clones)", seconds(Duration.between(applyStart, Instant.now())));
            vms.qemuRssMib().forEach((domain, mib) -> measured.put("memory " + domain + " (qemu RSS)", mib + " MiB"));

            // status probes each node with a short timeout: a starved VM may miss it once ("down: Read timed out")
            String status = Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(5))
                    .until(() -> vms.kvm(120, "status").output(), out -> !out.contains(" down "));
            assertRoles(status, "primary", "node1", "node2", "node3");
            measured.put("kvm status after apply", "\n" + status.strip());

            store = startStore(vms);
            // A standby of starved VMs may answer after the store's read timeout: 503 + Retry-After, then served.
            String catalog = Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(3))
                    .until(() -> vms.curl("http://127.0.0.1:" + storePort() + "/api/films?page=2"), page -> !page.startsWith("HTTP/1.1 503"));
            assertTrue(catalog.startsWith("HTTP/1.1 200"), catalog);
            // one node per read of the request: a cold store's reads may come over two connections, so two standbys
            assertTrue(catalog.matches("(?s).*\\n[Xx]-[Ss]erved-[Bb]y: node[123](, node[123])*\\r?\\n.*"),
                    "a catalog read served by VM standbys only:\n" + header(catalog));
            List<String> copies = vms.sql("primary", "pagila", "SELECT inventory_id FROM inventory WHERE store_id = 1"
                    + " AND inventory_in_stock(inventory_id) ORDER BY inventory_id LIMIT 2").lines().toList();
            // 503 (sign-in or the write could not reach a node of the starved VMs yet) is retried; anything else fails
            String firstKey = java.util.UUID.randomUUID().toString();
            String rental = Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(3))
                    .until(() -> rent(vms, 1, copies.get(0), firstKey), id -> !id.isEmpty());
            assertEquals("1", vms.sql("primary", "pagila", "SELECT count(*) FROM rental WHERE rental_id = " + rental), "rental on the primary VM");

            // A base backup run on the host: from a standby VM over SSH, its WAL collected from the VMs' own archives
            // (the host's archive, under ROOT, starts empty: no node writes it)
            Instant backupStart = Instant.now();
            Shell.Result backup = vms.kvm(900, "backup");
            assertEquals(0, backup.exitCode(), "kvm backup failed:\n" + backup.output());
            backupSteps = backupSteps.plus(Duration.between(backupStart, Instant.now()));
            String backupSource = firstMatch(backup.output(), "Backup \\S+ of (\\S+) done");
            assertTrue(backupSource.matches("node\\d"), "the backup is taken from a standby VM, not from " + backupSource);
            measured.put("kvm backup (from " + backupSource + "; WAL collected from the VMs)", seconds(Duration.between(backupStart, Instant.now()))
                    + " (" + firstMatch(backup.output(), "collected (\\d+ file\\(s\\), [0-9.]+ MB)") + " collected first)");

            // The primary dies (PostgreSQL killed, no clean shutdown); the most advanced standby takes over.
            assertEquals(0, vms.admin("primary", "pg_ctlcluster", vms.config().postgresVersion(), "main", "stop", "-m", "immediate").exitCode());
            Instant failover = Instant.now();
            Shell.Result promote = vms.kvm(300, "promote");
            assertEquals(0, promote.exitCode(), promote.output());
            measured.put("kvm promote", seconds(Duration.between(failover, Instant.now())));
            String promoted = firstMatch(vms.kvm(120, "status").output(), "(?m)^(node\\d)\\s+primary");
            String secondKey = java.util.UUID.randomUUID().toString();
            String afterFailover = Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(3))
                    .until(() -> rent(vms, 2, copies.get(1), secondKey), id -> !id.isEmpty());
            assertEquals("1", vms.sql(promoted, "pagila", "SELECT count(*) FROM rental WHERE rental_id = " + afterFailover),
                    "the store's write after failover is on the new primary " + promoted);

            Instant rejoinStart = Instant.now();
            Shell.Result rejoin = vms.kvm(600, "rejoin", "primary");
            assertEquals(0, rejoin.exitCode(), rejoin.output());
            measured.put("kvm rejoin primary", seconds(Duration.between(rejoinStart, Instant.now())) + " (" + firstMatch(rejoin.output(),
                    "rejoined as a standby of node\\d \\(([^)]+)\\)") + ")");
            String after = vms.kvm(120, "status").output();
            assertTrue(after.matches("(?s).*\\n" + promoted + "\\s+primary .*") && after.matches("(?s).*\\nprimary\\s+standby .*"), after);
            assertEquals("1", vms.sql("primary", "pagila", "SELECT count(*) FROM rental WHERE rental_id = " + afterFailover),
                    "the rejoined old primary replays the new primary's writes");
            measured.put("kvm status after promote and rejoin", "\n" + after.strip());

            // Restore on the host past the failover: the new timeline's WAL (and its history file) exist only in the VMs'
            // own archives, so the restore's collection must bring them. The rental's segment is completed and archived
            // on the promoted VM first (else it waits up to archive_timeout for more WAL).
            Instant archivingStart = Instant.now();
            String segment = vms.sql(promoted, "postgres", "SELECT pg_walfile_name(pg_switch_wal())");
            Path nodeWal = KvmBackup.DIR.resolve("wal");
            Awaitility.await(segment + " in " + promoted + "'s own archive").atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(3))
                    .until(() -> vms.admin(promoted, "test", "-f", nodeWal.resolve(segment).toString()).exitCode() == 0);
            // the listing collects first, so its window already reaches the promoted VM's segment
            Shell.Result backups = vms.kvm(300, "backups");
            assertEquals(0, backups.exitCode(), backups.output());
            assertTrue(backups.output().contains(firstMatch(backup.output(), "Backup (\\S+) of")) && backups.output().contains("restore window: "),
                    backups.output());
            assertTrue(Files.isRegularFile(backupDir().resolve("wal").resolve(segment)), "`kvm backups` collected " + segment + ":\n" + backups.output());
            backupSteps = backupSteps.plus(Duration.between(archivingStart, Instant.now()));
            Instant restoreStart = Instant.now();
            Shell.Result restore = vms.kvm(900, "restore", "--latest", "--port", String.valueOf(restorePort()));
            assertEquals(0, restore.exitCode(), "kvm restore failed:\n" + restore.output());
            measured.put("kvm restore --latest (collect, verify, unpack, replay across the failover)",
                    seconds(Duration.between(restoreStart, Instant.now())));
            Path hostWal = backupDir().resolve("wal");
            assertTrue(Files.isRegularFile(hostWal.resolve(segment)) && Files.isRegularFile(hostWal.resolve(segment.substring(0, 8) + ".history")),
                    "the promoted timeline's segment and history file were collected into " + hostWal);
            assertEquals("1", vms.restoredSql(restorePort(), "SELECT count(*) FROM rental WHERE rental_id = " + afterFailover),
                    "the rental made on the promoted VM after the failover is in the node restored on the host");
            assertEquals(String.format("%08X", Integer.parseInt(segment.substring(0, 8), 16) + 1),
                    vms.restoredSql(restorePort(), "SELECT substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8)"),
                    "promoted at the end of recovery on the timeline after " + promoted + "'s, which it replayed");
            Shell.Result restoreStop = vms.kvm(120, "restore-stop", String.valueOf(restorePort()));
            assertEquals(0, restoreStop.exitCode(), restoreStop.output());
            backupSteps = backupSteps.plus(Duration.between(restoreStart, Instant.now()));

            store.destroy();
            store.waitFor();
            Instant destroyStart = Instant.now();
            Shell.Result destroy = vms.kvm(300, "destroy");
            assertEquals(0, destroy.exitCode(), destroy.output());
            measured.put("kvm destroy", seconds(Duration.between(destroyStart, Instant.now())));
            assertEquals("", netns.virsh("list", "--all", "--name").output().strip(), "destroy left domains behind");
            assertTrue(vms.qemuRssMib().isEmpty(), "destroy left qemu processes: " + vms.qemuRssMib());
            assertFalse(Files.exists(vms.config().workDir()), "destroy left " + vms.config().workDir());
        } finally {
            if (store != null && store.isAlive()) {
                store.destroyForcibly();
            }
            Duration whole = Duration.between(testStart, Instant.now());
            measured.put("whole test", seconds(whole));
            measured.put("whole test without the backup steps (backup, backups, restore)", seconds(whole.minus(backupSteps)));
            measured.report();
            if (ours) {
                deleteTree(ROOT);
            }
        }
    }

    private void requirePrerequisites() {
        List<String> missing = new java.util.ArrayList<>(NetnsLibvirt.missingPackages());
        if (!"root".equals(System.getProperty("user.name"))) {
            missing.add("root (network namespaces, libvirtd, debootstrap)");
        }
        if (!Files.isExecutable(Path.of("/usr/lib/postgresql/15/bin/postgres"))) {
            missing.add("postgresql-15 on the host (`kvm restore` runs the VMs' PostgreSQL 15 here)");
        }
        if (!Files.isRegularFile(Path.of("target/quarkus-app/quarkus-run.jar"))) {
            missing.add("the packaged store target/quarkus-app/quarkus-run.jar (run through `./mvnw verify`)");
        }
        if (missing.isEmpty()) {
            return;
        }
        String reason = "KVM end-to-end test cannot run: missing " + missing;
        if ("true".equals(System.getenv("CI"))) {
            fail(reason);
        }
        System.out.println("[kvm] SKIPPED: " + reason);
        Assumptions.abort(reason);
    }

    /** Four VMs on the namespace's bridge, small (1 vCPU; memory from PAGILA_KVM_TEST_MEMORY_MIB, 512 by default). */
    private static Path writeConfig(String libvirtUri) throws IOException {
        String memory = Optional.ofNullable(System.getenv("PAGILA_KVM_TEST_MEMORY_MIB")).orElse("512");
        Path file = ROOT.resolve("topology.properties");
        Files.writeString(file, String.join("\n", "libvirt.uri = " + libvirtUri, "network.mode = bridge", "network.bridge = virbr-pagila",
                "primary.placement = vm", "primary.address = 192.168.122.100", "vm.memory-mib = " + memory, "vm.cpus = 1",
                "vm.disk-gib = 10", "vm.user = debian", "image.source = debian", "postgresql.version = 15",
                "image.cache-dir = " + CACHE, "work-dir = " + ROOT.resolve("kvm-it"), "backup.dir = " + backupDir(), ""));
        return file;
    }

    private Process startStore(KvmSandbox vms) {
        KvmConfig config = vms.config();
        String hosts = String.join(",", config.nodes().stream().map(n -> n.address() + ":" + config.postgresPort()).toList());
        // Secrets from apply's work directory: home/name/secrets.properties is the store's secrets file.
        Map<String, String> env = Map.of("PAGILA_CLUSTER_EMBEDDED", "false", "PAGILA_CLUSTER_HOSTS", hosts,
                "PAGILA_CLUSTER_HOME", config.workDir().getParent().toString(), "PAGILA_CLUSTER_NAME", config.workDir().getFileName().toString(),
                "QUARKUS_HTTP_PORT", String.valueOf(storePort()), "QUARKUS_MANAGEMENT_PORT", String.valueOf(storePort() + 1));
        Process store = vms.startStore(Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath(), env, ROOT.resolve("store.log"));
        Instant start = Instant.now();
        Awaitility.await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofSeconds(2)).until(() -> {
            if (!store.isAlive()) {
                fail("the store exited:\n" + Files.readString(ROOT.resolve("store.log")));
            }
            return vms.curl("http://127.0.0.1:" + storePort() + "/api/categories").startsWith("HTTP/1.1 200");
        });
        measured.put("store start (java -jar, on the VMs)", seconds(Duration.between(start, Instant.now())));
        return store;
    }

    /**
     * A rental of a copy through the store's staff API, as Mike of store 1 (password from the secrets file): its id, or
     * empty after a 503 (printed). Callers retry as a client should, every attempt with the same Idempotency-Key, so a
     * write that committed after the store's answer (503 "may or may not have been saved": slow VMs) is returned, never
     * refused as a second rental of the copy.
     */
    private static String rent(KvmSandbox vms, int customer, String inventoryId, String idempotencyKey) {
        String password = Secrets.load(vms.config().workDir().resolve("secrets.properties")).get(org.pagila.cluster.secrets.StaffPasswords.secretsKey("Mike"));
        String response = vms.curl("-u", "Mike:" + password, "-H", "Content-Type: application/json", "-H", "Idempotency-Key: " + idempotencyKey, "-d",
                "{\"customerId\": " + customer + ", \"inventoryId\": " + inventoryId + "}", "http://127.0.0.1:" + storePort() + "/api/rentals");
        Matcher location = Pattern.compile("(?i)\nlocation: \\S*/api/rentals/(\\d+)").matcher(response);
        if (response.startsWith("HTTP/1.1 201") && location.find()) {
            return location.group(1);
        }
        if (response.startsWith("HTTP/1.1 503")) { // read-only during the failover, or no node reachable yet
            System.out.println("[kvm] rental not made (yet):\n" + response);
            return "";
        }
        throw new AssertionError("the store refused a rental:\n" + response + "\n---- store log (last lines)\n" + storeLogTail());
    }

    private static String storeLogTail() {
        try {
            List<String> lines = Files.readAllLines(ROOT.resolve("store.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no store log: " + e.getMessage() + ")";
        }
    }

    private static void assertRoles(String status, String primary, String... standbys) {
        assertTrue(status.matches("(?s).*\\n" + primary + "\\s+primary .*"), status);
        for (String standby : standbys) {
            if (!standby.equals(primary)) {
                assertTrue(status.matches("(?s).*\\n" + standby + "\\s+standby .*"), standby + " is no standby:\n" + status);
            }
        }
    }

    private static int storePort() {
        return BLOCK + 980;
    }

    /** The restored node's port: in the namespace, like the store's (which has +980 and +981). */
    private static int restorePort() {
        return BLOCK + 982;
    }

    /** The host's backups and collected archive: under ROOT, never a real /var/lib/pagila-backup of this machine. */
    private static Path backupDir() {
        return ROOT.resolve("backup");
    }

    private static String header(String response) {
        int end = response.indexOf("\r\n\r\n");
        return end < 0 ? response : response.substring(0, end);
    }

    private static String firstMatch(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        if (!m.find()) {
            fail("no match for " + regex + " in:\n" + text);
        }
        return m.group(1);
    }

    private static void deleteTree(Path root) throws IOException {
        if (Files.exists(root)) {
            try (var walk = Files.walk(root)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
