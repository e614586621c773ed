package org.pagila.cluster;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.pagila.cluster.transport.ServiceUser;

/**
 * Where a cluster lives and how it is reached. Read through one lookup function so that the command
 * line (system properties, then environment) and the store (MicroProfile Config) resolve the same keys.
 */
public record ClusterSettings(String name, Path home, List<NodeAddress> nodes, Optional<Path> pgBin,
                              Optional<Path> pagilaDir) {

    public static final List<String> NODE_NAMES = List.of("primary", "node1", "node2", "node3");
    /** The name becomes a directory that `destroy` deletes: one plain path segment, nothing that could climb out. */
    private static final Pattern VALID_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");
    public static final String DEFAULT_HOSTS = "127.0.0.1:15432,127.0.0.1:15433,127.0.0.1:15434,127.0.0.1:15435";

    public record NodeAddress(String name, String host, int port) {
        public String hostPort() {
            return host + ":" + port;
        }
    }

    /** Keys, as MicroProfile Config spells them; the environment form is PAGILA_CLUSTER_HOSTS etc. */
    public static ClusterSettings from(Function<String, Optional<String>> lookup) {
        String name = validName(lookup.apply("pagila.cluster.name").orElse("dev"));
        Path home = lookup.apply("pagila.cluster.home").map(Path::of).orElseGet(ClusterSettings::defaultHome);
        String hosts = lookup.apply("pagila.cluster.hosts").orElse(DEFAULT_HOSTS);
        return new ClusterSettings(name, home.toAbsolutePath(), parseHosts(hosts),
                lookup.apply("pagila.cluster.pg-bin").map(Path::of),
                lookup.apply("pagila.dir").map(Path::of));
    }

    /** System properties first, then the environment (pagila.cluster.hosts -> PAGILA_CLUSTER_HOSTS). */
    public static ClusterSettings fromSystem() {
        return from(key -> Optional.ofNullable(System.getProperty(key))
                .or(() -> Optional.ofNullable(System.getenv(key.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_"))))
                .filter(v -> !v.isBlank()));
    }

    public static String validName(String name) {
        if (!VALID_NAME.matcher(name).matches()) {
            throw new ClusterException("Cluster name '" + name + "' is not allowed: use 1-64 letters, digits, '-' or '_',"
                    + " starting with a letter or digit (it names the directory under the cluster home that destroy removes)");
        }
        return name;
    }

    static List<NodeAddress> parseHosts(String hosts) {
        String[] parts = hosts.split(",");
        if (parts.length != NODE_NAMES.size()) {
            throw new ClusterException("pagila.cluster.hosts must list " + NODE_NAMES.size()
                    + " host:port pairs (primary, node1, node2, node3), got: " + hosts);
        }
        List<NodeAddress> nodes = new ArrayList<>();
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i].trim();
            int colon = part.lastIndexOf(':');
            if (colon < 1) {
                throw new ClusterException("Not a host:port pair in pagila.cluster.hosts: " + part);
            }
            try {
                nodes.add(new NodeAddress(NODE_NAMES.get(i), part.substring(0, colon), Integer.parseInt(part.substring(colon + 1))));
            } catch (NumberFormatException e) {
                throw new ClusterException("Not a port number in pagila.cluster.hosts: " + part);
            }
        }
        return List.copyOf(nodes);
    }

    /** Root cannot run PostgreSQL, so as root the nodes belong to a service user and live where it can reach them. */
    static Path defaultHome() {
        return ServiceUser.isRoot() ? Path.of("/var/lib/pagila-store") : Path.of(System.getProperty("user.home"), ".pagila-store");
    }

    public Path clusterDir() {
        return home.resolve(name);
    }

    public Path secretsFile() {
        return clusterDir().resolve("secrets.properties");
    }

    public NodeAddress node(String nodeName) {
        return nodes.stream().filter(n -> n.name().equals(nodeName)).findFirst()
                .orElseThrow(() -> new ClusterException("Unknown node '" + nodeName + "': expected one of " + NODE_NAMES));
    }

    public String jdbcHosts() {
        return String.join(",", nodes.stream().map(NodeAddress::hostPort).toList());
    }
}
