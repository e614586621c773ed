package org.pagila.cluster.kvm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.pagila.cluster.ClusterException;

/**
 * The files apply generates from the configuration: the libvirt network, one domain per VM, and per VM the
 * cloud-init seed (user-data, meta-data, network-config in netplan's format); also the golden image's seed.
 * Pure text: rendering has no side effects, so the tests validate exactly what apply would use.
 */
public final class KvmFiles {
    /** The PostgreSQL apt repository via postgresql-common's own setup script, then the server package. */
    public static String postgresInstall(String version) {
        return "test -x /usr/lib/postgresql/" + version + "/bin/postgres || { apt-get install -y postgresql-common"
                + " && /usr/share/postgresql-common/pgdg/apt.postgresql.org.sh -y && apt-get install -y postgresql-" + version + "; }";
    }

    private final KvmConfig config;
    private final String sshPublicKey;
    private final Acceleration acceleration;
    private final KvmBackup backup;
    /** Under --ha the golden image also carries Patroni and etcd (KvmHaFiles.PACKAGES), under its own name. */
    private final boolean patroni;

    /** With KVM assumed: for rendering and validating files without probing this machine. */
    public KvmFiles(KvmConfig config, String sshPublicKey) {
        this(config, sshPublicKey, new Acceleration(Acceleration.Kind.KVM, "assumed for rendering"));
    }

    public KvmFiles(KvmConfig config, String sshPublicKey, Acceleration acceleration) {
        this(config, sshPublicKey, acceleration, false);
    }

    private KvmFiles(KvmConfig config, String sshPublicKey, Acceleration acceleration, boolean patroni) {
        this.config = config;
        this.sshPublicKey = sshPublicKey.strip();
        this.acceleration = acceleration;
        this.backup = new KvmBackup(config);
        this.patroni = patroni;
    }

    /** The same files for the Patroni profile (--ha): only the golden image differs. */
    public KvmFiles withPatroni() {
        return new KvmFiles(config, sshPublicKey, acceleration, true);
    }

    public Path networkXmlFile() {
        return config.workDir().resolve("network-" + config.networkName() + ".xml");
    }

    public Path domainXmlFile(KvmConfig.Node node) {
        return config.workDir().resolve(config.domainName(node) + ".xml");
    }

    public Path seedDir(String name) {
        return config.workDir().resolve("seed-" + name);
    }

    public Path seedIso(String name) {
        return config.workDir().resolve(name + "-seed.iso");
    }

    /** The VM's serial console, kept in a file: what it printed while booting, to read when it does not come up. */
    public Path consoleLog(String domainName) {
        return config.workDir().resolve(domainName + "-console.log");
    }

    public Path disk(String name) {
        return config.workDir().resolve(name + ".qcow2");
    }

    public Path goldenImage() {
        if (config.image().source() == KvmConfig.ImageSource.DEBIAN) {
            return new DebianGoldenImage(config).disk();
        }
        return config.workDir().resolve("golden-ubuntu-24.04-postgresql-" + config.postgresVersion() + (patroni ? "-patroni" : "") + ".qcow2");
    }

    /** NAT network with the host at its address; DHCP reservations back up the static addresses. */
    public String networkXml() {
        StringBuilder hosts = new StringBuilder();
        StringBuilder dns = new StringBuilder();
        for (KvmConfig.Node node : config.nodes()) {
            dns.append("    <host ip='").append(node.address()).append("'><hostname>").append(node.name()).append("</hostname></host>\n");
        }
        for (KvmConfig.Node node : config.vms()) {
            hosts.append("      <host mac='").append(node.mac()).append("' name='").append(node.name()).append("' ip='")
                    .append(node.address()).append("'/>\n");
        }
        String prefix = config.cidr().substring(0, config.cidr().lastIndexOf('.') + 1);
        return """
                <network>
                  <name>%s</name>
                  <forward mode='nat'/>
                  <bridge name='%s' stp='on' delay='0'/>
                  <dns>
                %s  </dns>
                  <ip address='%s' netmask='%s'>
                    <dhcp>
                      <range start='%s2' end='%s99'/>
                %s    </dhcp>
                  </ip>
                </network>
                """.formatted(config.networkName(), config.bridge(), dns, config.hostAddress(), config.netmask(), prefix, prefix, hosts);
    }

    /**
     * A guest: the node's overlay disk, its cloud-init seed as a second (read-only) disk, one NIC on the network
     * (or on the bridge), serial console. Domain type and CPU follow the acceleration; a Debian image boots its
     * kernel directly. No graphics element: libvirt rejects type 'none', and without one there is no display.
     */
    public String domainXml(String domainName, Path disk, Path seedIso, String mac, String network) {
        String boot = config.image().source() == KvmConfig.ImageSource.DEBIAN
                ? """
                    <kernel>%s</kernel>
                    <initrd>%s</initrd>
                    <cmdline>%s</cmdline>
                """.formatted(xml(new DebianGoldenImage(config).kernel().toString()), xml(new DebianGoldenImage(config).initrd().toString()),
                DebianGoldenImage.kernelCommandLine() + acceleration.kernelOptions())
                : "    <boot dev='hd'/>\n";
        String nic = config.networkMode() == KvmConfig.NetworkMode.BRIDGE
                ? "<interface type='bridge'>\n      <source bridge='" + xml(config.bridge()) + "'/>"
                : "<interface type='network'>\n      <source network='" + xml(network) + "'/>";
        String cpu = acceleration.cpuXml().isEmpty() ? "" : "  " + acceleration.cpuXml() + "\n";
        return """
                <domain type='%s'>
                  <name>%s</name>
                  <memory unit='MiB'>%d</memory>
                  <vcpu>%d</vcpu>
                  <os>
                    <type arch='x86_64' machine='q35'>hvm</type>
                %s  </os>
                  <features><acpi/><apic/>%s</features>
                %s  <on_poweroff>destroy</on_poweroff>
                  <on_reboot>restart</on_reboot>
                  <on_crash>destroy</on_crash>
                  <devices>
                    <disk type='file' device='disk'>
                      <driver name='qemu' type='qcow2'/>
                      <source file='%s'/>
                      <target dev='vda' bus='virtio'/>
                    </disk>
                    <disk type='file' device='disk'>
                      <driver name='qemu' type='raw'/>
                      <source file='%s'/>
                      <target dev='vdb' bus='virtio'/>
                      <readonly/>
                    </disk>
                    %s
                      <mac address='%s'/>
                      <model type='virtio'/>
                    </interface>
                    <serial type='pty'><log file='%s'/><target port='0'/></serial>
                    <console type='pty'><target type='serial' port='0'/></console>
                    <rng model='virtio'><backend model='random'>/dev/urandom</backend></rng>
                  </devices>
                </domain>
                """.formatted(acceleration.domainType(), xml(domainName), config.memoryMib(), config.cpus(), boot,
                acceleration.domainFeaturesXml(), cpu, xml(disk.toString()), xml(seedIso.toString()), nic, mac,
                xml(consoleLog(domainName).toString()));
    }

    public String domainXml(KvmConfig.Node node, String network) {
        return domainXml(config.domainName(node), disk(node.name()), seedIso(node.name()), node.mac(), network);
    }

    /**
     * Per node: hostname, /etc/hosts naming all four nodes, the SSH key. No packages: the golden image has them
     * all, and the VMs have no route to a mirror. C.UTF-8: the one locale a minimal image has without generating.
     */
    public String userData(KvmConfig.Node node) {
        StringBuilder hosts = new StringBuilder("127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n");
        for (KvmConfig.Node n : config.nodes()) {
            hosts.append(n.address()).append(' ').append(n.name()).append('\n');
        }
        return """
                #cloud-config
                hostname: %s
                preserve_hostname: false
                manage_etc_hosts: false
                users:
                  - default
                ssh_authorized_keys:
                  - %s
                ssh_pwauth: false
                disable_root: true
                locale: C.UTF-8
                write_files:
                  - path: /etc/hosts
                    permissions: '0644'
                    content: |
                %s
                """.formatted(node.name(), yamlString(sshPublicKey), indent(hosts.toString(), 6));
    }

    public String metaData(String name) {
        return "instance-id: pagila-" + name + "\nlocal-hostname: " + name + "\n";
    }

    /** netplan (network config version 2): the static address, the host as gateway and DNS. */
    public String networkConfig(KvmConfig.Node node) {
        return """
                network:
                  version: 2
                  ethernets:
                    uplink:
                      match:
                        macaddress: "%s"
                      set-name: eth0
                      dhcp4: false
                      addresses:
                        - %s/%d
                      routes:
                        - to: default
                          via: %s
                      nameservers:
                        addresses:
                          - %s
                """.formatted(node.mac(), node.address(), config.prefixLength(), config.hostAddress(), config.hostAddress());
    }

    /**
     * The golden image's one boot: PostgreSQL from the PostgreSQL apt repository (under --ha Patroni and etcd too, after
     * that repository is set up, so apt takes PGDG's Patroni where it is newer), then a clean power-off.
     */
    public String goldenUserData() {
        return """
                #cloud-config
                hostname: pagila-golden
                package_update: true
                packages:
                  - postgresql-common
                  - ca-certificates
                runcmd:
                  - [sh, -c, %s]
                  - [sh, -c, "cloud-init clean --logs && truncate -s 0 /etc/machine-id"]
                power_state:
                  mode: poweroff
                  message: golden image ready
                  timeout: 60
                  condition: true
                """.formatted(yamlString(postgresInstall(config.postgresVersion())
                + (patroni ? " && apt-get install -y " + KvmHaFiles.PACKAGES : "")));
    }

    /** Every generated text file, by the path apply writes it to (and, for review, the nodes' settings and the schedule). */
    public Map<Path, String> all(String network) {
        Map<Path, String> files = new LinkedHashMap<>();
        files.put(networkXmlFile(), networkXml());
        files.put(seedDir("golden").resolve("user-data"), goldenUserData());
        files.put(seedDir("golden").resolve("meta-data"), metaData("golden"));
        for (KvmConfig.Node node : config.vms()) {
            files.put(domainXmlFile(node), domainXml(node, network));
            files.put(seedDir(node.name()).resolve("user-data"), userData(node));
            files.put(seedDir(node.name()).resolve("meta-data"), metaData(node.name()));
            files.put(seedDir(node.name()).resolve("network-config"), networkConfig(node));
        }
        files.put(config.workDir().resolve("postgresql").resolve("pagila-cluster.conf"), backup.postgresSettings());
        files.putAll(backup.timerFiles());
        return files;
    }

    /** Writes the files under another directory (same relative layout), e.g. for review or validation. */
    public static void write(Map<Path, String> files, Path workDir, Path target) {
        try {
            for (Map.Entry<Path, String> file : files.entrySet()) {
                Path path = target.resolve(workDir.relativize(file.getKey()));
                Files.createDirectories(path.getParent());
                Files.writeString(path, file.getValue());
            }
        } catch (IOException e) {
            throw new ClusterException("Cannot write the generated files to " + target + ": " + e.getMessage(), e);
        }
    }

    private static String indent(String text, int spaces) {
        String pad = " ".repeat(spaces);
        return pad + text.strip().replace("\n", "\n" + pad);
    }

    /** A double-quoted YAML scalar. */
    private static String yamlString(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String xml(String value) {
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&apos;");
    }
}
