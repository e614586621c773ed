package org.pagila.cluster.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.pagila.PagilaFiles;
import org.pagila.cluster.pagila.PagilaInstall;
import org.pagila.cluster.Progress;
import org.pagila.cluster.secrets.Secrets;

/**
 * The steps that make a primary and its standbys, written once for every layout and transport: the embedded
 * cluster runs them over the local transport, the container test over `docker exec`, `kvm apply` over SSH; `kvm plan`
 * prints their descriptions. Running them again converges (each step knows when it is done).
 */
public final class Provisioning {
    private final Supplier<NodeControl> control;
    private final String clusterCidr;
    private final String adminCidr;
    private final PagilaFiles pagila;
    private final Progress progress;

    /** The superuser is admitted from the whole cluster subnet: containers, whose host reaches them through the bridge. */
    public Provisioning(Supplier<NodeControl> control, String clusterCidr, PagilaFiles pagila, Progress progress) {
        this(control, clusterCidr, clusterCidr, pagila, progress);
    }

    /**
     * clusterCidr: the subnet the nodes (and this machine) connect from; pg_hba admits it and nothing else.
     * adminCidr: where the superuser may connect from (the machine running the tooling), a part of clusterCidr.
     * control: asked only when a step runs, so a plan can be described before any secret exists.
     */
    public Provisioning(Supplier<NodeControl> control, String clusterCidr, String adminCidr, PagilaFiles pagila, Progress progress) {
        this.control = control;
        this.clusterCidr = clusterCidr;
        this.adminCidr = adminCidr;
        this.pagila = pagila;
        this.progress = progress;
    }

    /** initdb where the layout needs it, settings, pg_hba, password file, start, passwords, roles, slots, Pagila. */
    public List<Step> primary(Node primary, List<Node> standbys) {
        Layout layout = primary.layout();
        List<Step> steps = new ArrayList<>(layout.initSteps(primary, this::secrets));
        steps.addAll(configuration(primary));
        steps.add(Step.of(primary.name(), "start, or restart when the settings changed: " + String.join(" ", layout.ctl("restart")),
                () -> startOrReload(primary)));
        steps.addAll(layout.passwordSteps(primary, this::secrets));
        steps.add(replicationRoles(primary));
        List<String> slots = standbys.stream().map(Node::slot).toList();
        steps.add(Step.of(primary.name(), "physical replication slots " + String.join(", ", slots),
                () -> slotsExist(primary, slots), () -> ensureSlots(primary, slots)));
        steps.add(pagilaAndStoreRoles(primary));
        return steps;
    }

    /**
     * For a cluster whose four nodes already run (`up` has no node to start): the idempotent steps that a newer version
     * may have changed, so a cluster made by an older version converges without a restart: every node's pg_hba and
     * password file (then a reload), the roles and their rights, and the standbys' primary_conninfo.
     */
    public List<Step> converge(Node primary, List<Node> standbys) {
        List<Step> steps = new ArrayList<>();
        for (Node node : concat(primary, standbys)) {
            steps.addAll(configuration(node).subList(1, 3));
            steps.add(Step.of(node.name(), "reload (pg_reload_conf)", () -> control().query(node, "SELECT pg_reload_conf()")));
        }
        steps.add(replicationRoles(primary));
        steps.add(pagilaAndStoreRoles(primary));
        for (Node standby : standbys) {
            steps.add(conninfoWithoutPassword(standby, primary));
        }
        return steps;
    }

    private static List<Node> concat(Node first, List<Node> rest) {
        List<Node> all = new ArrayList<>(List.of(first));
        all.addAll(rest);
        return all;
    }

    private Step replicationRoles(Node primary) {
        return Step.of(primary.name(), "roles " + Secrets.REPLICATION_USER + " (REPLICATION LOGIN, scram-sha-256) and "
                        + Secrets.REWIND_USER + " (pg_rewind's source login: pg_ls_dir, pg_stat_file, pg_read_binary_file only)",
                () -> control().jdbc(primary, c -> Roles.createReplicationRoles(c, secrets())));
    }

    private Step pagilaAndStoreRoles(Node primary) {
        return Step.of(primary.name(), "database pagila: Pagila v" + PagilaFiles.VERSION + " (SHA-256 verified) and the store's"
                        + " roles " + String.join(", ", Secrets.STORE_USERS) + " (none a superuser; " + Secrets.OWNER_USER
                        + " owns schema public), over JDBC from this machine",
                () -> PagilaInstall.ensureLoaded(database -> control().connect(primary, database), pagila, secrets(), progress));
    }

    /**
     * Clone unless it is already a standby of this primary, then start and verify. Settings come before the clone
     * where they live outside the data directory, after it where the clone would overwrite them.
     */
    public List<Step> standby(Node standby, Node primary) {
        List<Step> steps = new ArrayList<>(standbyPreparation(standby));
        steps.addAll(standbyFromPrimary(standby, primary));
        return steps;
    }

    /**
     * What a standby needs before its clone and without its primary: its settings, pg_hba and password file where they
     * live outside the data directory (a packaged layout), else only the password file (the clone replaces the rest).
     */
    public List<Step> standbyPreparation(Node standby) {
        List<Step> configuration = configuration(standby);
        return standby.layout().configInDataDir() ? List.of(configuration.get(2)) : configuration;
    }

    /** The clone from the primary through the standby's slot, the rest of its configuration, its start, the check. */
    public List<Step> standbyFromPrimary(Node standby, Node primary) {
        List<Step> steps = new ArrayList<>();
        steps.add(new CloneStep(this::control, standby, primary, progress));
        if (standby.layout().configInDataDir()) {
            // the clone brought the primary's settings and pg_hba: this node's own are written over them
            steps.addAll(configuration(standby).subList(0, 2));
        }
        steps.add(Step.of(standby.name(), "start as a hot standby" + (CloneStep.usesBaseBackup(standby)
                ? " (-R wrote standby.signal, primary_conninfo, primary_slot_name)" : ""), () -> startOrReload(standby)));
        steps.add(conninfoWithoutPassword(standby, primary));
        steps.add(Step.of(standby.name(), "verify: pg_is_in_recovery() on " + standby.name() + ", streaming through an active "
                + standby.slot() + " on " + primary.name(), () -> replication().awaitStreaming(primary, standby)));
        return steps;
    }

    /** A standby cloned by an older version carries the replicator's password in primary_conninfo: re-pointed in place. */
    private Step conninfoWithoutPassword(Node standby, Node primary) {
        return Step.of(standby.name(), "primary_conninfo names the password file (passfile=" + standby.layout().pgpassFile()
                        + "), never the password",
                () -> !control().query(standby, "SELECT current_setting('primary_conninfo')").contains("password="),
                () -> new Promotion(control(), progress).follow(standby, primary));
    }

    /** Settings, pg_hba, password file: in this order. */
    private List<Step> configuration(Node node) {
        Layout layout = node.layout();
        return List.of(
                Step.of(node.name(), "settings " + layout.settingsFile() + ": listen_addresses='" + layout.listenAddresses(node)
                                + "', wal_level=replica, max_wal_senders=10, max_replication_slots=10, hot_standby, wal_log_hints,"
                                + " scram-sha-256, cluster_name='" + node.name() + "'",
                        () -> control().hasContent(node, layout.settingsFile(), ServerConfig.settings(node)),
                        () -> control().writeIfChanged(node, layout.settingsFile(), ServerConfig.settings(node))),
                Step.of(node.name(), layout.hbaDescription(clusterCidr) + "; the superuser only from " + adminCidr,
                        () -> control().hasContent(node, layout.hbaFile(), ServerConfig.hba(layout, clusterCidr, adminCidr)),
                        () -> control().writeIfChanged(node, layout.hbaFile(), ServerConfig.hba(layout, clusterCidr, adminCidr))),
                Step.of(node.name(), layout.pgpassFile() + " for the " + osUser(layout) + " OS user (" + Secrets.REPLICATION_USER + ", "
                                + Secrets.REWIND_USER + ", " + Secrets.SUPERUSER + "; mode 600): primary_conninfo names it as passfile",
                        () -> control().hasContent(node, layout.pgpassFile(), ServerConfig.pgpass(secrets())),
                        () -> control().writeIfChanged(node, layout.pgpassFile(), ServerConfig.pgpass(secrets()))));
    }

    private static String osUser(Layout layout) {
        return layout instanceof PackagedLayout ? PackagedLayout.OS_USER : "service";
    }

    /** Starts a stopped server (never a fenced one); a running one reloads, and restarts if a setting needs it. */
    private void startOrReload(Node node) {
        if (control().isRunning(node)) {
            control().reloadOrRestart(node);
        } else {
            control().start(node);
            progress.detail(node.name() + " started");
        }
    }

    private boolean slotsExist(Node primary, List<String> slots) {
        boolean[] exist = {false};
        try {
            control().jdbc(primary, c -> exist[0] = Roles.slotsExist(c, slots));
        } catch (ClusterException notYet) {
            return false;
        }
        return exist[0];
    }

    void ensureSlots(Node primary, List<String> slots) {
        control().jdbc(primary, c -> {
            for (String slot : slots) {
                Roles.createSlot(c, slot);
            }
        });
        progress.detail("slots on " + primary.name() + ": " + String.join(", ", slots));
    }

    private NodeControl control() {
        NodeControl current = control.get();
        if (current == null) {
            throw new ClusterException("No secrets yet: steps run only after the cluster's secrets exist");
        }
        return current;
    }

    private Secrets secrets() {
        return control().secrets();
    }

    private Replication replication() {
        return new Replication(control(), progress);
    }
}
