package org.pagila.cluster.kvm;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.Writer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.ClusterProbe;
import org.pagila.cluster.ClusterSettings;
import org.pagila.cluster.LocalTransport;
import org.pagila.cluster.NodePlan;
import org.pagila.cluster.NodeTransport;
import org.pagila.cluster.PackagedPostgres;
import org.pagila.cluster.pagila.PagilaFiles;
import org.pagila.cluster.Progress;
import org.pagila.cluster.Secrets;
import org.pagila.cluster.Shell;
import org.pagila.cluster.SshTransport;

/**
 * The KVM topology: plan (describe every action, touch nothing), apply (do them; a second run converges and
 * reuses what exists) and destroy (remove what apply recorded as created, nothing else). The PostgreSQL part is
 * {@link NodePlan}, over SSH to the VMs (and locally, as user postgres, for a primary on the host).
 */
public final class KvmTopology {
    /** One action of apply: what it does, in words, and the doing. */
    public record Action(String what, Runnable run) {
    }

    private static final Duration GOLDEN_BUILD_TIMEOUT = Duration.ofMinutes(30);
    private static final Duration BOOT_TIMEOUT = Duration.ofMinutes(10);

    private final KvmConfig config;
    private final Progress progress;
    private final Libvirt libvirt;
    private final Properties state = new Properties();
    private String network;

    public KvmTopology(KvmConfig config, Progress progress) {
        this.config = config;
        this.progress = progress;
        this.libvirt = new Libvirt(config.libvirtUri());
        this.network = config.networkName();
    }

    public List<Action> actions() {
        KvmFiles files = files();
        PackagedPostgres pg = new PackagedPostgres(config.postgresVersion(), config.postgresPort());
        List<Action> actions = new ArrayList<>();
        actions.add(new Action("check: root, and the programs apply uses (virsh, qemu-img, genisoimage, ssh, ssh-keygen)", this::checkHost));
        actions.add(new Action("work directory " + config.workDir() + " (generated files, images, SSH key, secrets, state.properties)",
                this::workDir));
        actions.add(new Action("SSH key " + sshKey() + " (ssh-keygen -t ed25519), unless present", this::sshKeyPair));
        actions.add(new Action("libvirt network '" + config.networkName() + "' on " + config.libvirtUri() + ": " + config.cidr()
                + ", host " + config.hostAddress() + ", NAT, bridge " + config.bridge() + ", DHCP reservations for the VMs;"
                + " reused if it exists or if another network already gives the host " + config.hostAddress()
                + " (net-define, net-start, net-autostart otherwise)", this::network));
        actions.add(new Action("Ubuntu 24.04 cloud image " + config.imageUrl() + " to " + baseImage() + ", SHA-256 checked against "
                + (config.imageSha256().isEmpty() ? config.checksumsUrl() : "the pinned image.sha256 (and " + config.checksumsUrl() + ")"),
                this::baseImageDownloaded));
        actions.add(new Action("golden image " + files.goldenImage() + ": a copy of the cloud image booted once as pagila-golden with"
                + " cloud-init: PostgreSQL " + config.postgresVersion() + " from the PostgreSQL apt repository (apt.postgresql.org.sh),"
                + " then cloud-init clean and power-off; skipped when it exists", this::goldenImage));
        for (KvmConfig.Node node : config.vms()) {
            actions.add(new Action(node.name() + ": copy-on-write overlay " + files.disk(node.name()) + " (qemu-img create -f qcow2 -b "
                    + files.goldenImage().getFileName() + ", " + config.diskGib() + " GiB), unless present", () -> overlay(node)));
            actions.add(new Action(node.name() + ": cloud-init seed " + files.seedIso(node.name()) + ": hostname " + node.name()
                    + ", static " + node.address() + "/" + config.prefixLength() + " via netplan (gateway and DNS " + config.hostAddress()
                    + "), /etc/hosts naming primary, node1, node2, node3, the SSH key, packages postgresql-" + config.postgresVersion(),
                    () -> seed(node)));
            actions.add(new Action(node.name() + ": domain " + config.domainName(node) + " (" + config.memoryMib() + " MiB, "
                    + config.cpus() + " vCPUs) defined from " + files.domainXmlFile(node).getFileName() + " and started; an existing"
                    + " domain is reused", () -> domain(node)));
        }
        for (KvmConfig.Node node : config.vms()) {
            actions.add(new Action(node.name() + ": wait for SSH as " + config.vmUser() + "@" + node.address() + " and for cloud-init to finish",
                    () -> awaitBoot(node)));
        }
        if (config.primaryPlacement() == KvmConfig.Placement.HOST) {
            actions.add(new Action("primary on this host: PostgreSQL " + config.postgresVersion() + " from the PostgreSQL apt repository"
                    + " unless installed; pg_hba.conf saved once as pg_hba.conf.pagila-saved (destroy puts it back)", this::hostPostgres));
        }
        NodePlan plan = nodePlan(pg);
        List<NodePlan.Node> standbys = config.nodes().stream().filter(n -> !n.isPrimary()).map(this::planNode).toList();
        NodePlan.Node primary = planNode(config.node("primary"));
        for (NodePlan.Step step : plan.primary(primary, standbys)) {
            actions.add(new Action(step.node() + ": " + step.action(), step.run()));
        }
        for (NodePlan.Node standby : standbys) {
            for (NodePlan.Step step : plan.standby(standby, primary)) {
                actions.add(new Action(step.node() + ": " + step.action(), step.run()));
            }
        }
        return actions;
    }

    /** Prints every action apply would take, in order. Runs nothing, writes nothing. */
    public String plan() {
        StringBuilder out = new StringBuilder("KVM topology from " + config.source() + " (" + config.libvirtUri() + ", primary on "
                + (config.primaryPlacement() == KvmConfig.Placement.HOST ? "this host" : "a VM") + "); apply would:\n");
        List<Action> actions = actions();
        for (int i = 0; i < actions.size(); i++) {
            out.append(String.format("%3d. %s%n", i + 1, actions.get(i).what()));
        }
        return out.toString();
    }

    public void apply() {
        Instant started = Instant.now();
        List<Action> actions = actions();
        for (int i = 0; i < actions.size(); i++) {
            progress.step(String.format("(%d/%d) %s", i + 1, actions.size(), actions.get(i).what()));
            actions.get(i).run().run();
        }
        progress.info(String.format("KVM topology up in %.0f s%n%n%s", Duration.between(started, Instant.now()).toSeconds() * 1.0,
                statusTable()));
    }

    public String statusTable() {
        Secrets secrets = Secrets.load(secretsFile());
        return ClusterProbe.table(new ClusterProbe(config.nodes().stream().map(this::clientAddress).toList(), "postgres",
                Secrets.SUPERUSER, secrets.password(Secrets.SUPERUSER)).probe());
    }

    /** Failover demo: promote a standby (the most advanced unless named), and point the other standbys at it. */
    public void promote(Optional<String> nodeName) {
        NodePlan plan = nodePlan(new PackagedPostgres(config.postgresVersion(), config.postgresPort()));
        List<NodePlan.Node> standbys = new ArrayList<>();
        for (KvmConfig.Node node : config.nodes()) {
            NodePlan.Node planned = planNode(node);
            if (reachable(plan, planned) && "t".equals(plan.sql(planned, "SELECT pg_is_in_recovery()"))) {
                standbys.add(planned);
            }
        }
        NodePlan.Node promoted = nodeName.map(name -> standbys.stream().filter(s -> s.name().equals(name)).findFirst()
                        .orElseThrow(() -> new ClusterException(name + " is not a reachable standby")))
                .orElseGet(() -> plan.mostAdvanced(standbys));
        List<NodePlan.Node> others = config.nodes().stream().filter(n -> !n.name().equals(promoted.name())).map(this::planNode).toList();
        plan.promote(promoted, others);
        for (NodePlan.Node standby : standbys) {
            if (standby != promoted) {
                plan.follow(standby, promoted);
            }
        }
        progress.info("\n" + statusTable());
    }

    /** Failover demo: the old primary (or any node) becomes a standby of the current primary. */
    public void rejoin(String nodeName) {
        NodePlan plan = nodePlan(new PackagedPostgres(config.postgresVersion(), config.postgresPort()));
        NodePlan.Node primary = config.nodes().stream().filter(n -> !n.name().equals(nodeName)).map(this::planNode)
                .filter(n -> reachable(plan, n) && "f".equals(plan.sql(n, "SELECT pg_is_in_recovery()"))).findFirst()
                .orElseThrow(() -> new ClusterException("No other node is a primary: promote one first"));
        String how = plan.rejoin(planNode(config.node(nodeName)), primary);
        progress.info(nodeName + " rejoined as a standby of " + primary.name() + " (" + how + ")\n\n" + statusTable());
    }

    /** Removes what apply recorded as created: domains, disks, seeds, images, key, the network; nothing else. */
    public void destroy() {
        loadState();
        if (state.isEmpty()) {
            progress.info("Nothing recorded in " + stateFile() + ": apply created nothing here, so nothing is removed.");
            return;
        }
        for (KvmConfig.Node node : config.vms()) {
            String domain = config.domainName(node);
            if (created("domain." + domain) && libvirt.domainExists(domain)) {
                libvirt.virsh("destroy", domain);
                libvirt.virshOk("undefine", domain);
                progress.info("domain " + domain + " removed");
            }
        }
        if (created("domain.pagila-golden") && libvirt.domainExists("pagila-golden")) {
            libvirt.virsh("destroy", "pagila-golden");
            libvirt.virsh("undefine", "pagila-golden");
        }
        if (created("host-primary")) {
            undoHostPrimary();
        }
        if (created("network." + config.networkName()) && libvirt.networkExists(config.networkName())) {
            libvirt.virsh("net-destroy", config.networkName());
            libvirt.virshOk("net-undefine", config.networkName());
            progress.info("network " + config.networkName() + " removed");
        }
        for (String key : state.stringPropertyNames()) {
            if (key.startsWith("file.")) {
                deleteQuietly(Path.of(state.getProperty(key)));
            }
        }
        if (created("workdir")) {
            deleteTree(config.workDir());
            progress.info("removed " + config.workDir());
        } else {
            deleteQuietly(stateFile());
        }
    }

    // ---- apply's actions ----

    private void checkHost() {
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new ClusterException("kvm apply defines libvirt networks and writes under " + config.workDir() + ": run it as root (sudo)");
        }
        List<String> missing = new ArrayList<>();
        for (String program : List.of("virsh", "qemu-img", "genisoimage", "ssh", "ssh-keygen")) {
            if (Shell.exec(List.of("sh", "-c", "command -v " + program)).exitCode() != 0) {
                missing.add(program);
            }
        }
        if (!missing.isEmpty()) {
            throw new ClusterException("Missing programs: " + missing + ". On Debian/Ubuntu: apt-get install libvirt-daemon-system"
                    + " libvirt-clients qemu-system-x86 qemu-utils genisoimage openssh-client");
        }
        if (!Files.exists(Path.of("/dev/kvm"))) {
            progress.detail("warning: no /dev/kvm: the VMs would run without acceleration (very slow)");
        }
    }

    private void workDir() {
        try {
            if (!Files.isDirectory(config.workDir())) {
                Files.createDirectories(config.workDir());
                loadState();
                record("workdir");
            }
            loadState();
        } catch (IOException e) {
            throw new ClusterException("Cannot create " + config.workDir() + ": " + e.getMessage(), e);
        }
    }

    private void sshKeyPair() {
        if (!Files.exists(sshKey())) {
            Shell.run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "pagila-kvm", "-f", sshKey().toString()));
            recordFile(sshKey());
            recordFile(Path.of(sshKey() + ".pub"));
        }
    }

    private void network() {
        KvmFiles files = files();
        if (libvirt.networkExists(config.networkName())) {
            network = config.networkName();
            progress.detail("network " + network + " exists: reused");
        } else {
            Optional<String> other = libvirt.networkWithHostAddress(config.hostAddress());
            if (other.isPresent()) {
                network = other.get();
                progress.detail("network " + network + " already gives the host " + config.hostAddress() + ": reused");
            } else {
                writeText(files.networkXmlFile(), files.networkXml());
                libvirt.virshOk("net-define", files.networkXmlFile().toString());
                record("network." + config.networkName());
                libvirt.virshOk("net-autostart", config.networkName());
                network = config.networkName();
            }
        }
        if (!libvirt.networkActive(network)) {
            libvirt.virshOk("net-start", network);
        }
    }

    private void baseImageDownloaded() {
        String expected = expectedImageSha256();
        if (Files.exists(baseImage()) && sha256(baseImage()).equals(expected)) {
            progress.detail(baseImage().getFileName() + " present, SHA-256 matches");
            return;
        }
        Path partial = baseImage().resolveSibling(baseImage().getFileName() + ".partial");
        progress.detail("downloading " + config.imageUrl() + " (about 600 MB)");
        try {
            HttpResponse<Path> response = http().send(HttpRequest.newBuilder(config.imageUrl()).build(), HttpResponse.BodyHandlers.ofFile(partial));
            if (response.statusCode() != 200) {
                throw new ClusterException("Download of " + config.imageUrl() + " failed: HTTP " + response.statusCode());
            }
            String actual = sha256(partial);
            if (!actual.equals(expected)) {
                Files.deleteIfExists(partial);
                throw new ClusterException("The downloaded image's SHA-256 is " + actual + ", the published one is " + expected
                        + ": not used");
            }
            Files.move(partial, baseImage(), StandardCopyOption.REPLACE_EXISTING);
            recordFile(baseImage());
            progress.detail("SHA-256 " + actual + " matches");
        } catch (IOException e) {
            throw new ClusterException("Cannot download " + config.imageUrl() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("Interrupted while downloading the image", e);
        }
    }

    private String expectedImageSha256() {
        String published = publishedSha256();
        if (!config.imageSha256().isEmpty() && !config.imageSha256().equals(published)) {
            throw new ClusterException("image.sha256 pins " + config.imageSha256() + " but " + config.checksumsUrl() + " lists "
                    + published + " for " + config.imageFileName() + ": the URL now serves another build; update image.sha256");
        }
        return published;
    }

    /** The line of SHA256SUMS for our file: "<sha256> *<file name>". */
    String publishedSha256() {
        try {
            HttpResponse<String> response = http().send(HttpRequest.newBuilder(config.checksumsUrl()).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new ClusterException("Cannot read " + config.checksumsUrl() + ": HTTP " + response.statusCode());
            }
            return checksumFor(response.body(), config.imageFileName());
        } catch (IOException e) {
            throw new ClusterException("Cannot read " + config.checksumsUrl() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("Interrupted", e);
        }
    }

    static String checksumFor(String sha256sums, String fileName) {
        return sha256sums.lines().map(String::strip).map(line -> line.split("\\s+\\*?", 2))
                .filter(parts -> parts.length == 2 && parts[1].equals(fileName) && parts[0].matches("[0-9a-f]{64}"))
                .map(parts -> parts[0]).findFirst()
                .orElseThrow(() -> new ClusterException("The checksum list names no " + fileName));
    }

    private void goldenImage() {
        KvmFiles files = files();
        Path golden = files.goldenImage();
        if (Files.exists(golden)) {
            progress.detail(golden.getFileName() + " exists: reused");
            return;
        }
        Path building = golden.resolveSibling("golden-building.qcow2");
        Shell.run(List.of("qemu-img", "convert", "-O", "qcow2", baseImage().toString(), building.toString()));
        recordFile(building);
        Shell.run(List.of("qemu-img", "resize", building.toString(), config.diskGib() + "G"));
        Path seedDir = files.seedDir("golden");
        writeText(seedDir.resolve("user-data"), files.goldenUserData());
        writeText(seedDir.resolve("meta-data"), files.metaData("golden"));
        Path iso = files.seedIso("golden");
        makeSeedIso(seedDir, iso);
        Path xml = config.workDir().resolve("pagila-golden.xml");
        writeText(xml, files.domainXml("pagila-golden", building, iso, "52:54:00:ff:00:01", network));
        if (libvirt.domainExists("pagila-golden")) {
            libvirt.virsh("destroy", "pagila-golden");
            libvirt.virsh("undefine", "pagila-golden");
        }
        libvirt.define(xml);
        record("domain.pagila-golden");
        libvirt.virshOk("start", "pagila-golden");
        Instant deadline = Instant.now().plus(GOLDEN_BUILD_TIMEOUT);
        Instant nextNote = Instant.now();
        while (!libvirt.domainState("pagila-golden").equals("shut off")) {
            if (Instant.now().isAfter(deadline)) {
                throw new ClusterException("pagila-golden did not power off within " + GOLDEN_BUILD_TIMEOUT.toMinutes()
                        + " min; see `virsh console pagila-golden`");
            }
            if (Instant.now().isAfter(nextNote)) {
                progress.detail("pagila-golden installing PostgreSQL " + config.postgresVersion() + " (waits for its power-off)");
                nextNote = Instant.now().plusSeconds(30);
            }
            sleep(Duration.ofSeconds(5));
        }
        libvirt.virshOk("undefine", "pagila-golden");
        try {
            Files.move(building, golden);
        } catch (IOException e) {
            throw new ClusterException("Cannot move the golden image into place: " + e.getMessage(), e);
        }
        recordFile(golden);
    }

    private void overlay(KvmConfig.Node node) {
        Path disk = files().disk(node.name());
        if (!Files.exists(disk)) {
            Shell.run(List.of("qemu-img", "create", "-f", "qcow2", "-F", "qcow2", "-b", files().goldenImage().toString(),
                    disk.toString(), config.diskGib() + "G"));
            recordFile(disk);
        }
    }

    private void seed(KvmConfig.Node node) {
        KvmFiles files = files();
        Path dir = files.seedDir(node.name());
        writeText(dir.resolve("user-data"), files.userData(node));
        writeText(dir.resolve("meta-data"), files.metaData(node.name()));
        writeText(dir.resolve("network-config"), files.networkConfig(node));
        if (!Files.exists(files.seedIso(node.name()))) {
            makeSeedIso(dir, files.seedIso(node.name()));
        }
    }

    private void domain(KvmConfig.Node node) {
        String name = config.domainName(node);
        writeText(files().domainXmlFile(node), files().domainXml(node, network));
        if (!libvirt.domainExists(name)) {
            libvirt.define(files().domainXmlFile(node));
            record("domain." + name);
        } else {
            progress.detail(name + " exists: reused");
        }
        if (!libvirt.domainState(name).equals("running")) {
            libvirt.virshOk("start", name);
        }
    }

    private void awaitBoot(KvmConfig.Node node) {
        SshTransport ssh = ssh(node);
        Instant deadline = Instant.now().plus(BOOT_TIMEOUT);
        while (Shell.exec(ssh.ssh(List.of("true")), Map.of(), 30).exitCode() != 0) {
            if (Instant.now().isAfter(deadline)) {
                throw new ClusterException(node.name() + " not reachable over SSH at " + node.address() + " after "
                        + BOOT_TIMEOUT.toMinutes() + " min; see `virsh console " + config.domainName(node) + "`");
            }
            sleep(Duration.ofSeconds(5));
        }
        ssh.runAdmin(List.of("cloud-init", "status", "--wait"));
        ssh.runAdmin(List.of("test", "-x", "/usr/lib/postgresql/" + config.postgresVersion() + "/bin/postgres"));
        progress.detail(node.name() + " is up, cloud-init done, PostgreSQL " + config.postgresVersion() + " installed");
    }

    private void hostPostgres() {
        LocalTransport local = LocalTransport.as(PackagedPostgres.OS_USER);
        local.runAdmin(List.of("sh", "-c", KvmFiles.postgresInstall(config.postgresVersion())));
        PackagedPostgres pg = new PackagedPostgres(config.postgresVersion(), config.postgresPort());
        Path saved = Path.of(pg.hbaFile() + ".pagila-saved");
        if (!Files.exists(saved)) {
            local.runAdmin(List.of("cp", "-p", pg.hbaFile(), saved.toString()));
        }
        record("host-primary");
    }

    private void undoHostPrimary() {
        PackagedPostgres pg = new PackagedPostgres(config.postgresVersion(), config.postgresPort());
        LocalTransport local = LocalTransport.as(PackagedPostgres.OS_USER);
        local.exec(List.of(pg.bin("psql"), "-X", "-q", "-p", String.valueOf(pg.port()), "-c", "DROP DATABASE IF EXISTS pagila WITH (FORCE)",
                "-c", "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name LIKE '%\\_slot' AND NOT active",
                "-c", "DROP ROLE IF EXISTS " + Secrets.APP_USER, "-c", "DROP ROLE IF EXISTS " + Secrets.REPLICATION_USER));
        local.execAdmin(List.of("rm", "-f", pg.settingsFile(), pg.home() + "/.pgpass"));
        local.execAdmin(List.of("mv", pg.hbaFile() + ".pagila-saved", pg.hbaFile()));
        local.execAdmin(pg.ctl("restart"));
        progress.info("host PostgreSQL " + config.postgresVersion() + ": database pagila, roles, slots and our settings removed,"
                + " pg_hba.conf restored (the package stays installed)");
    }

    // ---- nodes for the node plan ----

    private NodePlan nodePlan(PackagedPostgres pg) {
        PagilaFiles pagila = new PagilaFiles(PagilaFiles.dirFromEnvironment(), progress);
        return new NodePlan(pg, config.cidr(), () -> Secrets.loadOrCreate(secretsFile()), pagila, progress);
    }

    /** Peers reach each other by address: a primary on the host needs no /etc/hosts entries of ours. */
    private NodePlan.Node planNode(KvmConfig.Node node) {
        NodeTransport transport = node.isPrimary() && config.primaryPlacement() == KvmConfig.Placement.HOST
                ? lazyLocal() : ssh(node);
        return new NodePlan.Node(node.name(), node.address(), transport, () -> clientAddress(node));
    }

    private NodeTransport lazyLocal() {
        return new NodeTransport() {
            @Override
            public String describe() {
                return "local (as " + PackagedPostgres.OS_USER + ")";
            }

            @Override
            public Shell.Result exec(List<String> command, Map<String, String> env) {
                return LocalTransport.as(PackagedPostgres.OS_USER).exec(command, env);
            }

            @Override
            public Shell.Result execAdmin(List<String> command) {
                return LocalTransport.as(PackagedPostgres.OS_USER).execAdmin(command);
            }
        };
    }

    private SshTransport ssh(KvmConfig.Node node) {
        return new SshTransport(config.vmUser(), node.address(), sshKey(), PackagedPostgres.OS_USER);
    }

    private ClusterSettings.NodeAddress clientAddress(KvmConfig.Node node) {
        return new ClusterSettings.NodeAddress(node.name(), node.address(), config.postgresPort());
    }

    private boolean reachable(NodePlan plan, NodePlan.Node node) {
        try {
            return plan.isRunning(node);
        } catch (ClusterException e) {
            return false;
        }
    }

    // ---- files, state ----

    KvmFiles files() {
        String key = "ssh-ed25519 (generated by apply into " + sshKey() + ".pub)";
        Path pub = Path.of(sshKey() + ".pub");
        if (Files.isRegularFile(pub)) {
            try {
                key = Files.readString(pub).strip();
            } catch (IOException e) {
                throw new ClusterException("Cannot read " + pub + ": " + e.getMessage(), e);
            }
        }
        return new KvmFiles(config, key);
    }

    private Path sshKey() {
        return config.workDir().resolve("id_ed25519");
    }

    private Path baseImage() {
        return config.workDir().resolve(config.imageFileName());
    }

    private Path secretsFile() {
        return config.workDir().resolve("secrets.properties");
    }

    private Path stateFile() {
        return config.workDir().resolve("state.properties");
    }

    private void makeSeedIso(Path dir, Path iso) {
        List<String> command = new ArrayList<>(List.of("genisoimage", "-quiet", "-output", iso.toString(), "-volid", "cidata",
                "-joliet", "-rock"));
        try (var list = Files.list(dir)) {
            list.sorted().forEach(file -> command.add(file.toString()));
        } catch (IOException e) {
            throw new ClusterException("Cannot list " + dir + ": " + e.getMessage(), e);
        }
        Shell.run(command);
        recordFile(iso);
    }

    private void writeText(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content);
            recordFile(file);
        } catch (IOException e) {
            throw new ClusterException("Cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private void loadState() {
        if (Files.isRegularFile(stateFile())) {
            try (Reader in = Files.newBufferedReader(stateFile())) {
                state.load(in);
            } catch (IOException e) {
                throw new ClusterException("Cannot read " + stateFile() + ": " + e.getMessage(), e);
            }
        }
    }

    private boolean created(String what) {
        return "created".equals(state.getProperty(what));
    }

    private void record(String what) {
        state.setProperty(what, "created");
        saveState();
    }

    private void saveState() {
        try (Writer out = Files.newBufferedWriter(stateFile())) {
            state.store(out, "What kvm apply created (kvm destroy removes exactly this)");
        } catch (IOException e) {
            throw new ClusterException("Cannot write " + stateFile() + ": " + e.getMessage(), e);
        }
    }

    private void recordFile(Path file) {
        if (!state.containsKey("file." + file)) {
            state.setProperty("file." + file, file.toString());
            saveState();
        }
    }

    private static String sha256(Path file) {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new ClusterException("Cannot checksum " + file + ": " + e.getMessage(), e);
        }
    }

    private static HttpClient http() {
        return HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(Duration.ofSeconds(20)).build();
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // a file we cannot remove stays; destroy reports the directory below if it matters
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(KvmTopology::deleteQuietly);
        } catch (IOException e) {
            throw new ClusterException("Cannot remove " + dir + ": " + e.getMessage(), e);
        }
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
