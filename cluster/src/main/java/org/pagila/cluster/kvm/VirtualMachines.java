package org.pagila.cluster.kvm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import org.pagila.cluster.ClusterException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pagila.cluster.Await;
import org.pagila.cluster.transport.Shell;
import org.pagila.cluster.transport.SshTransport;

/** The libvirt objects: the network, each VM's overlay disk, cloud-init seed and domain, and the wait for its boot. */
final class VirtualMachines {
    // generous: under software emulation on a busy machine four VMs booting together take minutes each
    private static final Duration BOOT_TIMEOUT = Duration.ofMinutes(20);

    private final KvmContext kvm;

    VirtualMachines(KvmContext kvm) {
        this.kvm = kvm;
    }

    void network() {
        KvmConfig config = kvm.config;
        if (kvm.libvirt.networkExists(config.networkName())) {
            kvm.network = config.networkName();
            kvm.progress.detail("network " + kvm.network + " exists: reused");
        } else {
            Optional<String> other = kvm.libvirt.networkWithHostAddress(config.hostAddress());
            if (other.isPresent()) {
                kvm.network = other.get();
                kvm.progress.detail("network " + kvm.network + " already gives the host " + config.hostAddress() + ": reused");
            } else {
                KvmFiles files = kvm.files();
                kvm.writeText(files.networkXmlFile(), files.networkXml());
                kvm.libvirt.virshOk("net-define", files.networkXmlFile().toString());
                kvm.ledger.record("network." + config.networkName());
                kvm.libvirt.virshOk("net-autostart", config.networkName());
                kvm.network = config.networkName();
            }
        }
        if (!kvm.libvirt.networkActive(kvm.network)) {
            kvm.libvirt.virshOk("net-start", kvm.network);
        }
    }

    /** network.mode = bridge: the bridge must exist here and hold the host's address; libvirt's network driver is not used. */
    void bridge() {
        KvmConfig config = kvm.config;
        Shell.Result addresses = Shell.exec(List.of("ip", "-4", "-o", "addr", "show", "dev", config.bridge()));
        if (addresses.exitCode() != 0 || !addresses.output().contains(" " + config.hostAddress() + "/")) {
            throw new ClusterException("network.mode = bridge needs bridge " + config.bridge() + " holding " + config.hostAddress()
                    + " here: " + addresses.output());
        }
        kvm.network = config.bridge();
    }

    void overlay(KvmConfig.Node node) {
        Path disk = kvm.files().disk(node.name());
        if (!Files.exists(disk)) {
            Shell.run(List.of("qemu-img", "create", "-f", "qcow2", "-F", "qcow2", "-b", kvm.files().goldenImage().toString(),
                    disk.toString(), kvm.config.diskGib() + "G"));
            kvm.ledger.recordFile(disk);
        }
    }

    void seed(KvmConfig.Node node) {
        KvmFiles files = kvm.files();
        Path dir = files.seedDir(node.name());
        kvm.writeText(dir.resolve("user-data"), files.userData(node));
        kvm.writeText(dir.resolve("meta-data"), files.metaData(node.name()));
        kvm.writeText(dir.resolve("network-config"), files.networkConfig(node));
        if (!Files.exists(files.seedIso(node.name()))) {
            kvm.makeSeedIso(dir, files.seedIso(node.name()));
        }
    }

    void domain(KvmConfig.Node node) {
        String name = kvm.config.domainName(node);
        kvm.writeText(kvm.files().domainXmlFile(node), kvm.files().domainXml(node, kvm.network));
        if (!kvm.libvirt.domainExists(name)) {
            kvm.libvirt.define(kvm.files().domainXmlFile(node));
            kvm.ledger.record("domain." + name);
        } else {
            kvm.progress.detail(name + " exists: reused");
        }
        if (!kvm.libvirt.domainState(name).equals("running")) {
            kvm.libvirt.virshOk("start", name);
            kvm.domainStarted.put(node.name(), Instant.now());
        }
    }

    void awaitBoot(KvmConfig.Node node) {
        SshTransport ssh = kvm.ssh(node);
        Await.until(node.name() + " reachable over SSH at " + node.address(), BOOT_TIMEOUT, Duration.ofSeconds(5),
                () -> Shell.exec(ssh.ssh(List.of("true")), Map.of(), 30).exitCode() == 0,
                () -> "its console: " + kvm.files().consoleLog(kvm.config.domainName(node)));
        String toSsh = sinceStart(node);
        awaitCloudInit(ssh, node);
        ssh.runAdmin(List.of("test", "-x", kvm.layout.bin("postgres")));
        kvm.progress.detail(node.name() + " is up: SSH " + toSsh + ", cloud-init done " + sinceStart(node) + ", PostgreSQL "
                + kvm.config.postgresVersion() + " installed");
    }

    /**
     * cloud-init's end, read from the file it writes rather than by `cloud-init status`: under emulation each start
     * of cloud-init's Python costs minutes. The Ubuntu image runs every stage, and the last one writes result.json.
     * The Debian image masks the empty config and final stages, so its end is the network stage's entry in
     * status.json (CloudInitStatus).
     */
    private void awaitCloudInit(SshTransport ssh, KvmConfig.Node node) {
        boolean lastStageIsInit = kvm.config.image().source() == KvmConfig.ImageSource.DEBIAN;
        String file = lastStageIsInit ? "/run/cloud-init/status.json" : "/run/cloud-init/result.json";
        String[] seen = {""};
        Await.until(node.name() + ": cloud-init finished", BOOT_TIMEOUT, Duration.ofSeconds(3), () -> {
            Shell.Result read = ssh.execAdmin(List.of("cat", file));
            seen[0] = read.output();
            return read.exitCode() == 0 && (!lastStageIsInit || CloudInitStatus.initStageFinished(seen[0]));
        }, () -> "its console: " + kvm.files().consoleLog(kvm.config.domainName(node)));
        if (!CloudInitStatus.withoutErrors(seen[0])) {
            throw new ClusterException(node.name() + ": cloud-init reports errors (" + file + "):\n" + seen[0]);
        }
    }

    private String sinceStart(KvmConfig.Node node) {
        Instant started = kvm.domainStarted.get(node.name());
        return started == null ? "(domain was already running)"
                : String.format(Locale.ROOT, "%.0f s after its start", Duration.between(started, Instant.now()).toMillis() / 1000.0);
    }

    /** destroy: the domains and the network apply recorded as created. */
    void remove() {
        for (KvmConfig.Node node : kvm.config.vms()) {
            String domain = kvm.config.domainName(node);
            if (kvm.ledger.created("domain." + domain) && kvm.libvirt.domainExists(domain)) {
                kvm.libvirt.virsh("destroy", domain);
                kvm.libvirt.virshOk("undefine", domain);
                kvm.progress.info("domain " + domain + " removed");
            }
        }
    }

    void removeNetwork() {
        String name = kvm.config.networkName();
        if (kvm.ledger.created("network." + name) && kvm.libvirt.networkExists(name)) {
            kvm.libvirt.virsh("net-destroy", name);
            kvm.libvirt.virshOk("net-undefine", name);
            kvm.progress.info("network " + name + " removed");
        }
    }
}
