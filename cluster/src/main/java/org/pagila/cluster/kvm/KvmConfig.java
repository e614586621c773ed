package org.pagila.cluster.kvm;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.regex.Pattern;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.ClusterSettings;

/**
 * The KVM topology's one configuration file (cluster/kvm/topology.properties). Built-in defaults are the seed
 * topology, so a missing key (or a missing file) means the documented value. Bad values stop with the key named.
 */
public record KvmConfig(Path source, String libvirtUri, String networkName, String bridge, String cidr, String hostAddress,
                        Placement primaryPlacement, List<Node> nodes, int memoryMib, int cpus, int diskGib, String vmUser,
                        URI imageUrl, URI checksumsUrl, String imageSha256, String postgresVersion, int postgresPort,
                        Path workDir, NetworkMode networkMode, ImageOptions image, Path backupDir) {

    public enum Placement { HOST, VM }

    /**
     * LIBVIRT: a libvirt network (NAT, DHCP reservations) that apply defines or reuses. BRIDGE: a bridge that
     * already holds the host's address (e.g. one made in a network namespace); the VMs' taps join it, and libvirt's
     * network driver is not used at all.
     */
    public enum NetworkMode { LIBVIRT, BRIDGE }

    /** UBUNTU_CLOUD: Ubuntu's cloud image, downloaded. DEBIAN: built here from Debian packages with debootstrap. */
    public enum ImageSource { UBUNTU_CLOUD, DEBIAN }

    /**
     * Where the golden image comes from, how the VMs are accelerated (auto, kvm, tcg) and where built images are
     * kept between runs (keyed by their inputs, so a CI machine builds each once).
     */
    public record ImageOptions(ImageSource source, String debianSuite, URI debianMirror, Path cacheDir, String acceleration) {
    }

    /** One PostgreSQL node: primary, node1, node2 or node3, with its address on the network. */
    public record Node(String name, String address) {
        public boolean isPrimary() {
            return name.equals("primary");
        }

        /** A stable, locally administered MAC derived from the address (52:54:00 is QEMU/KVM's prefix). */
        public String mac() {
            String[] octets = address.split("\\.");
            return String.format("52:54:00:%02x:%02x:%02x", Integer.parseInt(octets[1]), Integer.parseInt(octets[2]),
                    Integer.parseInt(octets[3]));
        }
    }

    public static final Path DEFAULT_FILE = Path.of("cluster", "kvm", "topology.properties");
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1?\\d?\\d)(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}");

    public static KvmConfig load(Path file) {
        Properties values = new Properties();
        if (Files.isRegularFile(file)) {
            try (Reader in = Files.newBufferedReader(file)) {
                values.load(in);
            } catch (IOException e) {
                throw new ClusterException("Cannot read " + file + ": " + e.getMessage(), e);
            }
        } else if (!file.equals(DEFAULT_FILE)) {
            throw new ClusterException("No KVM topology file at " + file);
        }
        return from(file, values);
    }

    static KvmConfig from(Path source, Properties values) {
        Lookup v = new Lookup(values, source, new java.util.TreeSet<>());
        String cidr = v.get("network.cidr", "192.168.122.0/24");
        if (!cidr.matches(IPV4.pattern() + "/24")) {
            throw new ClusterException("network.cidr must be an IPv4 /24 network (like 192.168.122.0/24), got " + cidr + " in " + source);
        }
        String hostAddress = v.address("network.host-address", "192.168.122.1", cidr);
        Placement placement = switch (v.get("primary.placement", "host")) {
            case "host" -> Placement.HOST;
            case "vm" -> Placement.VM;
            default -> throw new ClusterException("primary.placement must be host or vm in " + source);
        };
        String primaryAddress = v.address("primary.address", hostAddress, cidr);
        if (placement == Placement.HOST && !primaryAddress.equals(hostAddress)) {
            throw new ClusterException("primary.placement = host: primary.address must be the host's address " + hostAddress + " in " + source);
        }
        if (placement == Placement.VM && primaryAddress.equals(hostAddress)) {
            throw new ClusterException("primary.placement = vm: give the primary VM its own address (not the host's " + hostAddress + ") in " + source);
        }
        List<Node> nodes = List.of(new Node("primary", primaryAddress),
                new Node("node1", v.address("node1.address", "192.168.122.101", cidr)),
                new Node("node2", v.address("node2.address", "192.168.122.102", cidr)),
                new Node("node3", v.address("node3.address", "192.168.122.103", cidr)));
        if (nodes.stream().map(Node::address).distinct().count() != nodes.size()) {
            throw new ClusterException("The four nodes need four different addresses in " + source);
        }
        if (!nodes.stream().map(Node::name).toList().equals(ClusterSettings.NODE_NAMES)) {
            throw new IllegalStateException("node names");
        }
        KvmConfig config = new KvmConfig(source, v.get("libvirt.uri", "qemu:///system"), v.name("network.name", "pagila"),
                v.name("network.bridge", "virbr-pagila"), cidr, hostAddress, placement, nodes,
                v.number("vm.memory-mib", 2048, 512), v.number("vm.cpus", 2, 1), v.number("vm.disk-gib", 20, 10),
                v.name("vm.user", "ubuntu"),
                v.uri("image.url", "https://cloud-images.ubuntu.com/releases/noble/release/ubuntu-24.04-server-cloudimg-amd64.img"),
                v.uri("image.checksums-url", "https://cloud-images.ubuntu.com/releases/noble/release/SHA256SUMS"),
                v.sha256("image.sha256"), v.get("postgresql.version", "17"), v.number("postgresql.port", 5432, 1),
                Path.of(v.get("work-dir", "/var/lib/libvirt/images/pagila")),
                switch (v.get("network.mode", "libvirt")) {
                    case "libvirt" -> NetworkMode.LIBVIRT;
                    case "bridge" -> NetworkMode.BRIDGE;
                    default -> throw new ClusterException("network.mode must be libvirt or bridge in " + source);
                },
                new ImageOptions(switch (v.get("image.source", "ubuntu-cloud")) {
                    case "ubuntu-cloud" -> ImageSource.UBUNTU_CLOUD;
                    case "debian" -> ImageSource.DEBIAN;
                    default -> throw new ClusterException("image.source must be ubuntu-cloud or debian in " + source);
                }, v.name("debian.suite", "bookworm"), v.uri("debian.mirror", "http://deb.debian.org/debian"),
                        Path.of(v.get("image.cache-dir", "/var/cache/pagila-kvm")), acceleration(v.get("vm.acceleration", "auto"), source)),
                absolute("backup.dir", v.get("backup.dir", "/var/lib/pagila-backup"), source));
        v.refuseUnknown();
        return config;
    }

    private static Path absolute(String key, String value, Path source) {
        Path path = Path.of(value);
        if (!path.isAbsolute()) {
            throw new ClusterException(key + " must be an absolute path, got '" + value + "' in " + source);
        }
        return path;
    }

    private static String acceleration(String value, Path source) {
        if (!List.of("auto", "kvm", "tcg").contains(value)) {
            throw new ClusterException("vm.acceleration must be auto, kvm or tcg, got '" + value + "' in " + source);
        }
        return value;
    }

    /** The same topology with its files in another directory (tests, or a second topology beside the first). */
    public KvmConfig inWorkDir(Path dir) {
        return new KvmConfig(source, libvirtUri, networkName, bridge, cidr, hostAddress, primaryPlacement, nodes, memoryMib, cpus,
                diskGib, vmUser, imageUrl, checksumsUrl, imageSha256, postgresVersion, postgresPort, dir, networkMode, image, backupDir);
    }

    /** For comparing two configurations by their values alone. */
    KvmConfig withoutSource() {
        return new KvmConfig(Path.of(""), libvirtUri, networkName, bridge, cidr, hostAddress, primaryPlacement, nodes, memoryMib,
                cpus, diskGib, vmUser, imageUrl, checksumsUrl, imageSha256, postgresVersion, postgresPort, workDir, networkMode, image,
                backupDir);
    }

    public int prefixLength() {
        return 24;
    }

    public String netmask() {
        return "255.255.255.0";
    }

    /** The VMs: every node but a primary placed on the host. */
    public List<Node> vms() {
        return nodes.stream().filter(n -> !(n.isPrimary() && primaryPlacement == Placement.HOST)).toList();
    }

    public Node node(String name) {
        return nodes.stream().filter(n -> n.name().equals(name)).findFirst()
                .orElseThrow(() -> new ClusterException("Unknown node " + name + ": expected one of " + ClusterSettings.NODE_NAMES));
    }

    public String domainName(Node node) {
        return "pagila-" + node.name();
    }

    public String imageFileName() {
        String path = imageUrl.getPath();
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** {@code asked}: the keys read, so that a misspelled one is refused rather than silently left at its default. */
    private record Lookup(Properties values, Path source, java.util.Set<String> asked) {
        String get(String key, String defaultValue) {
            asked.add(key);
            String value = values.getProperty(key);
            return value == null || value.isBlank() ? defaultValue : value.strip();
        }

        String name(String key, String defaultValue) {
            String value = get(key, defaultValue);
            if (!value.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,14}")) {
                throw new ClusterException(key + " must be a short name (letters, digits, _ . -; at most 15), got '" + value + "' in " + source);
            }
            return value;
        }

        String address(String key, String defaultValue, String cidr) {
            String value = get(key, defaultValue);
            String network = cidr.substring(0, cidr.lastIndexOf('.') + 1);
            if (!IPV4.matcher(value).matches() || !value.startsWith(network) || value.endsWith(".0") || value.endsWith(".255")) {
                throw new ClusterException(key + " must be a host address in " + cidr + ", got '" + value + "' in " + source);
            }
            return value;
        }

        int number(String key, int defaultValue, int minimum) {
            String value = get(key, String.valueOf(defaultValue));
            try {
                int n = Integer.parseInt(value);
                if (n < minimum) {
                    throw new ClusterException(key + " must be at least " + minimum + ", got " + n + " in " + source);
                }
                return n;
            } catch (NumberFormatException e) {
                throw new ClusterException(key + " must be a whole number, got '" + value + "' in " + source);
            }
        }

        URI uri(String key, String defaultValue) {
            String value = get(key, defaultValue);
            if (!value.startsWith("https://") && !value.startsWith("http://")) {
                throw new ClusterException(key + " must be an http(s) URL, got '" + value + "' in " + source);
            }
            return URI.create(value);
        }

        /** A key no setting reads: a typo ("vm.memory") or not a topology file at all (--config /etc/hostname). */
        void refuseUnknown() {
            java.util.Set<String> unknown = new java.util.TreeSet<>(values.stringPropertyNames());
            unknown.removeAll(asked);
            if (!unknown.isEmpty()) {
                throw new ClusterException("Unknown setting" + (unknown.size() > 1 ? "s " : " ") + unknown + " in " + source
                        + ": not a topology setting (misspelled?); " + DEFAULT_FILE + " shows every one");
            }
        }

        String sha256(String key) {
            String value = get(key, "");
            if (!value.isEmpty() && !value.matches("[0-9a-fA-F]{64}")) {
                throw new ClusterException(key + " must be empty or 64 hex digits, got '" + value + "' in " + source);
            }
            return value.toLowerCase(java.util.Locale.ROOT);
        }
    }
}
