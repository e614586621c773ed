package org.pagila.cluster.kvm;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.pagila.cluster.pagila.PagilaFiles;
import org.pagila.cluster.engine.Node;
import org.pagila.cluster.engine.NodeControl;
import org.pagila.cluster.engine.Plan;
import org.pagila.cluster.engine.Provisioning;
import org.pagila.cluster.engine.Step;
import org.pagila.cluster.secrets.Secrets;

/**
 * Everything `kvm apply` does, as steps: this machine, the libvirt objects, the images, the VMs' boot, then the
 * engine's PostgreSQL steps over SSH (and locally, as user postgres, for a primary on the host). `kvm plan` prints
 * these same steps' descriptions.
 */
final class KvmPlan {
    private KvmPlan() {
    }

    static Plan of(KvmContext kvm) {
        KvmConfig config = kvm.config;
        List<Step> steps = new ArrayList<>(domains(kvm));
        Provisioning provisioning = provisioning(kvm);
        Node primary = kvm.engineNode(config.node("primary"));
        List<Node> standbys = config.nodes().stream().filter(n -> !n.isPrimary()).map(kvm::engineNode).toList();
        boolean primaryFirst = QemuPriority.applies(config, kvm.acceleration());
        String primaryDomain = domainOf(kvm, primary);
        if (primaryFirst) {
            steps.add(Step.of("", "the standby VMs' qemu " + QemuPriority.STEP + " nice values behind the primary's until each"
                    + " has booted (emulation on this machine: the primary, which the next steps wait for, boots first)",
                    () -> standbys.forEach(standby -> QemuPriority.behind(domainOf(kvm, standby), primaryDomain))));
        }
        List<Step> primarySteps = new ArrayList<>();
        if (config.primaryPlacement() == KvmConfig.Placement.HOST) {
            HostSetup host = new HostSetup(kvm);
            primarySteps.add(Step.of("", "primary on this host: PostgreSQL " + config.postgresVersion() + " from the PostgreSQL apt repository"
                    + " unless installed; pg_hba.conf saved once as pg_hba.conf.pagila-saved (destroy puts it back)", host::hostPostgres));
            // the VMs get their own archive as they boot; the host's primary archives into the same path here
            org.pagila.cluster.backup.WalArchive archive = new KvmBackup(config).archive();
            primarySteps.add(Step.of("", "WAL archive " + archive.settings().archiveDir() + " and its script on this host (archive_mode="
                    + org.pagila.cluster.backup.WalArchive.ARCHIVE_MODE + " on every node)", () -> {
                        org.pagila.cluster.transport.ServiceUser.ensureExists(java.nio.file.Path.of("/var/lib/pagila-store"));
                        archive.prepare();
                    }));
            primarySteps.add(archive.writableBy(primary));
        } else {
            primarySteps.add(awaitBoot(kvm, config.node("primary")));
            primarySteps.add(ownArchive(kvm, config.node("primary")));
        }
        primarySteps.addAll(provisioning.primary(primary, standbys));
        // While the primary is set up and loaded, each standby VM boots and gets what needs no primary (its settings,
        // pg_hba, password file): under emulation the VMs boot at about the same time, and these steps then took
        // about 20 s one node after another.
        List<List<Step>> branches = new ArrayList<>();
        branches.add(primarySteps);
        for (Node standby : standbys) {
            List<Step> branch = new ArrayList<>();
            branch.add(awaitBoot(kvm, config.node(standby.name())));
            if (primaryFirst) {
                branch.add(Step.of(standby.name(), "its qemu's priority back to the primary's",
                        () -> QemuPriority.level(domainOf(kvm, standby), primaryDomain)));
            }
            branch.add(ownArchive(kvm, config.node(standby.name())));
            branch.addAll(provisioning.standbyPreparation(standby));
            branches.add(branch);
        }
        steps.add(Step.together(branches, kvm.progress));
        // Each standby has its own slot (made above), so the clones need not wait for each other: one after another
        // they took about 40 s each on emulated VMs, most of it waiting on SSH, a checkpoint and a start.
        steps.add(Step.together(standbys.stream().map(standby -> provisioning.standbyFromPrimary(standby, primary)).toList(),
                kvm.progress));
        return new Plan(steps);
    }

    /** This machine, the libvirt objects, the images, then every VM's boot awaited, then their archives (the HA profile). */
    static List<Step> machines(KvmContext kvm) {
        List<Step> steps = new ArrayList<>(domains(kvm));
        kvm.config.vms().forEach(node -> steps.add(awaitBoot(kvm, node)));
        kvm.config.vms().forEach(node -> steps.add(ownArchive(kvm, node)));
        return steps;
    }

    /** This machine, the libvirt objects, the images, and every VM defined and started: the same for every profile. */
    static List<Step> domains(KvmContext kvm) {
        KvmConfig config = kvm.config;
        KvmFiles files = kvm.files();
        HostSetup host = new HostSetup(kvm);
        GoldenImage images = new GoldenImage(kvm);
        VirtualMachines vms = new VirtualMachines(kvm);
        List<Step> steps = new ArrayList<>();
        steps.add(Step.of("", "check: root, and the programs apply uses (virsh, qemu-img, genisoimage, ssh, ssh-keygen)", host::check));
        steps.add(Step.of("", "acceleration: " + kvm.acceleration().describe(), () -> { }));
        steps.add(Step.of("", "work directory " + config.workDir() + " (generated files, images, SSH key, secrets, state.properties)",
                host::workDir));
        steps.add(Step.of("", "SSH key " + kvm.sshKey() + " (ssh-keygen -t ed25519), unless present", host::sshKeyPair));
        if (config.networkMode() == KvmConfig.NetworkMode.BRIDGE) {
            steps.add(Step.of("", "network.mode = bridge: check that bridge " + config.bridge() + " exists and holds " + config.hostAddress()
                    + "; the VMs' taps join it (no libvirt network is defined or started)", vms::bridge));
        } else {
            steps.add(Step.of("", "libvirt network '" + config.networkName() + "' on " + config.libvirtUri() + ": " + config.cidr()
                + ", host " + config.hostAddress() + ", NAT, bridge " + config.bridge() + ", DHCP reservations for the VMs;"
                + " reused if it exists or if another network already gives the host " + config.hostAddress()
                + " (net-define, net-start, net-autostart otherwise)", vms::network));
        }
        if (config.image().source() == KvmConfig.ImageSource.DEBIAN) {
            DebianGoldenImage debian = new DebianGoldenImage(config);
            steps.add(Step.of("", debian.describe(), () -> debian.ensureBuilt(kvm.progress)));
        } else {
            steps.add(Step.of("", images.describeBaseImage(), images::downloadBaseImage));
            steps.add(Step.of("", images.describeGolden(), images::build));
        }
        for (KvmConfig.Node node : config.vms()) {
            steps.add(Step.of(node.name(), "copy-on-write overlay " + files.disk(node.name()) + " (qemu-img create -f qcow2 -b "
                    + files.goldenImage().getFileName() + ", " + config.diskGib() + " GiB), unless present", () -> vms.overlay(node)));
            steps.add(Step.of(node.name(), "cloud-init seed " + files.seedIso(node.name()) + ": hostname " + node.name()
                    + ", static " + node.address() + "/" + config.prefixLength() + " via netplan (gateway and DNS " + config.hostAddress()
                    + "), /etc/hosts naming primary, node1, node2, node3, the SSH key, locale C.UTF-8 (nothing installed at boot)",
                    () -> vms.seed(node)));
            steps.add(Step.of(node.name(), "domain " + config.domainName(node) + " (" + config.memoryMib() + " MiB, "
                    + config.cpus() + " vCPUs) defined from " + files.domainXmlFile(node).getFileName() + " and started; an existing"
                    + " domain is reused", () -> vms.domain(node)));
        }
        return steps;
    }

    /** One started VM: reachable over SSH, cloud-init done. */
    static Step awaitBoot(KvmContext kvm, KvmConfig.Node node) {
        VirtualMachines vms = new VirtualMachines(kvm);
        return Step.of(node.name(), "wait for SSH as " + kvm.config.vmUser() + "@" + node.address() + " and for cloud-init to finish",
                () -> vms.awaitBoot(node));
    }

    /**
     * A booted VM's own WAL archive. Over SSH, not from cloud-init: a Debian-built image never runs cloud-init's runcmd
     * (its config and final stages are masked to save boot time), so a folder made there never existed and the VMs
     * never archived.
     */
    static Step ownArchive(KvmContext kvm, KvmConfig.Node node) {
        return new KvmBackup(kvm.config).archive().ownArchiveOn(kvm.engineNode(node));
    }

    private static String domainOf(KvmContext kvm, Node node) {
        return kvm.config.domainName(kvm.config.node(node.name()));
    }

    /** Secrets are created only when a step runs: a plan is described before any exist. */
    static Provisioning provisioning(KvmContext kvm) {
        PagilaFiles pagila = new PagilaFiles(PagilaFiles.dirFromEnvironment(), kvm.progress);
        // the superuser only from this host (the tooling and the store run here), never from the other VMs
        return new Provisioning(() -> new NodeControl(Secrets.loadOrCreate(kvm.secretsFile())), kvm.config.cidr(),
                kvm.config.hostAddress() + "/32", pagila, kvm.progress);
    }
}
