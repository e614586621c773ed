package org.pagila.cluster.kvm;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.Progress;
import org.pagila.cluster.engine.Node;
import org.pagila.cluster.engine.NodeControl;
import org.pagila.cluster.engine.Plan;
import org.pagila.cluster.engine.Promotion;
import org.pagila.cluster.engine.Rejoin;
import org.pagila.cluster.engine.Step;
import org.pagila.cluster.probe.ClusterProbe;
import org.pagila.cluster.secrets.Secrets;

/**
 * The KVM topology: plan (describe every step, touch nothing), apply (run them; a second run converges and reuses
 * what exists), promote and rejoin (the engine's, over SSH), and destroy (remove what apply recorded as created,
 * nothing else).
 */
public final class KvmTopology {
    private final KvmContext kvm;

    public KvmTopology(KvmConfig config, Progress progress) {
        this(config, progress, false);
    }

    /** ha: the Patroni profile (Patroni and etcd on the VMs, Patroni decides the leader). */
    public KvmTopology(KvmConfig config, Progress progress, boolean ha) {
        this.kvm = new KvmContext(config, progress, ha);
    }

    /** Prints every action apply would take, in order. Runs nothing, writes nothing. */
    public String plan() {
        StringBuilder out = new StringBuilder("KVM topology from " + kvm.config.source() + " (" + kvm.config.libvirtUri() + ", primary on "
                + (kvm.config.primaryPlacement() == KvmConfig.Placement.HOST ? "this host" : "a VM")
                + (kvm.ha ? "; Patroni + etcd" : "") + "); apply would:\n");
        List<String> lines = kvmPlan().lines();
        for (int i = 0; i < lines.size(); i++) {
            out.append(String.format("%3d. %s%n", i + 1, lines.get(i)));
        }
        return out.toString();
    }

    public void apply() {
        Instant started = Instant.now();
        List<Step> steps = kvmPlan().steps();
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            kvm.progress.step(String.format("(%d/%d) %s%s", i + 1, steps.size(), step.node().isEmpty() ? "" : step.node() + ": ",
                    step.headline()));
            if (!step.isDone()) {
                step.apply();
            }
        }
        kvm.progress.info(String.format("KVM topology up in %.0f s%n%n%s", Duration.between(started, Instant.now()).toSeconds() * 1.0,
                statusTable()));
    }

    public String statusTable() {
        Secrets secrets = Secrets.load(kvm.secretsFile());
        try (ClusterProbe probe = new ClusterProbe(kvm.config.nodes().stream().map(kvm::clientAddress).toList(), "postgres",
                Secrets.SUPERUSER, secrets.password(Secrets.SUPERUSER))) {
            return ClusterProbe.table(probe.probe());
        }
    }

    private Plan kvmPlan() {
        return kvm.ha ? KvmHaPlan.of(kvm) : KvmPlan.of(kvm);
    }

    /** Under --ha Patroni alone changes roles; the engine's promote and rejoin would act behind its back. */
    private void refuseUnderPatroni(String what) {
        if (kvm.ha) {
            throw new ClusterException(what + " is Patroni's under --ha: on a VM run `patronictl -c " + KvmHaFiles.PATRONI_CONFIG
                    + " switchover` (or failover); a stopped member rejoins by itself when its Patroni starts");
        }
    }

    /** Failover: fence the old primary, promote a standby (the one that received most unless named), re-point the rest. */
    public void promote(Optional<String> nodeName) {
        refuseUnderPatroni("promote");
        new Promotion(control(), kvm.progress).promote(kvm.engineNodes(), nodeName);
        kvm.progress.info("\n" + statusTable());
    }

    /** The old primary (or any node) becomes a standby of the current primary. */
    public void rejoin(String nodeName) {
        refuseUnderPatroni("rejoin");
        NodeControl control = control();
        Node primary = kvm.engineNodes().stream().filter(n -> !n.name().equals(nodeName))
                .filter(n -> answersAsPrimary(control, n)).findFirst()
                .orElseThrow(() -> new ClusterException("No other node is a primary: promote one first"));
        String how = new Rejoin(control, kvm.progress).rejoin(kvm.engineNode(kvm.config.node(nodeName)), primary);
        kvm.progress.info(nodeName + " rejoined as a standby of " + primary.name() + " (" + how + ")\n\n" + statusTable());
    }

    /** Removes what apply recorded as created: domains, disks, seeds, images, key, the network; nothing else. */
    public void destroy() {
        kvm.ledger.load();
        if (kvm.ledger.isEmpty()) {
            kvm.progress.info("Nothing recorded in " + kvm.ledger.file() + ": apply created nothing here, so nothing is removed.");
            return;
        }
        VirtualMachines vms = new VirtualMachines(kvm);
        vms.remove();
        new GoldenImage(kvm).remove();
        new HostSetup(kvm).undoHostPostgres();
        vms.removeNetwork();
        kvm.ledger.files().forEach(KvmContext::deleteQuietly);
        if (kvm.ledger.created("workdir")) {
            KvmContext.deleteTree(kvm.config.workDir());
            kvm.progress.info("removed " + kvm.config.workDir());
        } else {
            KvmContext.deleteQuietly(kvm.ledger.file());
        }
    }

    /**
     * `kvm backup`, `kvm backups`, `kvm restore ...`, `kvm archive-collect`: the one backup implementation over the
     * topology's nodes (SSH, local), each archiving on its own machine.
     */
    public int backupCommand(java.util.List<String> args) {
        KvmBackup backup = new KvmBackup(kvm.config);
        // the host's archive and restored nodes belong to the servers' user here, which a topology with every node on a
        // VM never made
        org.pagila.cluster.transport.ServiceUser.ensureExists(java.nio.file.Path.of("/var/lib/pagila-store"));
        java.util.function.Supplier<org.pagila.cluster.backup.BackupCluster> nodes =
                () -> backup.backupCluster(kvm.engineNodes(), Secrets.loadForBackup(kvm.secretsFile()));
        if (args.get(0).equals("backups")) {
            collectBeforeListing(backup, nodes);
        }
        return org.pagila.cluster.backup.BackupCli.run(backup.settings(), nodes, args);
    }

    /**
     * The VMs archive on their own disks, so the window a restore can reach ends with what they hold: `kvm backups`
     * collects first, as a restore does. What cannot be collected is said, and the listing shows the archive as it is.
     */
    private static void collectBeforeListing(KvmBackup backup, java.util.function.Supplier<org.pagila.cluster.backup.BackupCluster> nodes) {
        try {
            org.pagila.cluster.backup.BackupCli.run(backup.settings(), nodes, java.util.List.of("archive-collect"));
        } catch (ClusterException e) {
            System.out.println("Not everything was collected from the nodes (" + e.getMessage().lines().findFirst().orElse("")
                    + "): the window below is this machine's archive as it is");
        }
    }

    /** Writes the generated files (libvirt XML, cloud-init seeds) under target, to read or validate. */
    public void render(java.nio.file.Path target) {
        KvmFiles.write(kvm.files().all(kvm.config.networkName()), kvm.config.workDir(), target);
        if (kvm.ha) {
            KvmHaPlan.render(kvm, target);
        }
    }

    private NodeControl control() {
        return new NodeControl(Secrets.load(kvm.secretsFile()));
    }

    private static boolean answersAsPrimary(NodeControl control, Node node) {
        try {
            return control.isRunning(node) && "f".equals(control.query(node, "SELECT pg_is_in_recovery()"));
        } catch (ClusterException e) {
            return false;
        }
    }
}
