package org.pagila.cluster.engine;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.secrets.Secrets;
import org.pagila.cluster.transport.ServiceUser;

/**
 * A node of the cluster on this machine: one directory per node under the cluster's directory (data/, the log, the
 * password file), pg_ctl for control, and the settings inside the data directory. The binaries are the PostgreSQL 17
 * build from Maven Central (no pg_basebackup, no pg_rewind: clones use the low-level backup API and a rejoin
 * clones afresh) or a local install given by PG_BIN (which has both).
 */
public record EmbeddedLayout(Path nodeDir, PostgresBinaries binaries, String host) implements Layout {
    static final String SETTINGS_FILE = "pagila-cluster.conf";

    @Override
    public String describe() {
        return binaries.origin();
    }

    @Override
    public String dataDir() {
        return nodeDir.resolve("data").toString();
    }

    @Override
    public String settingsFile() {
        return dataDir() + "/" + SETTINGS_FILE;
    }

    @Override
    public String hbaFile() {
        return dataDir() + "/pg_hba.conf";
    }

    @Override
    public String pgpassFile() {
        return nodeDir.resolve("pgpass").toString();
    }

    @Override
    public String logFile() {
        return nodeDir.resolve("postgres.log").toString();
    }

    @Override
    public boolean configInDataDir() {
        return true;
    }

    @Override
    public String listenAddresses(Node node) {
        return host;
    }

    @Override
    public String extraSettings() {
        // WAL archiving on every node from its first start (archive_mode only changes at a restart)
        return org.pagila.cluster.backup.WalArchive.embeddedSettings(nodeDir.getParent());
    }

    @Override
    public String hbaPreamble() {
        return "";
    }

    @Override
    public String hbaDescription(String clientCidr) {
        return "pg_hba.conf: the store's roles (" + Secrets.APP_USER + ", " + Secrets.OWNER_USER + ", " + Secrets.MONITOR_USER
                + " to pagila; " + Secrets.BACKUP_USER + " to postgres), " + Secrets.REWIND_USER + " (postgres) and " + Secrets.REPLICATION_USER
                + " (replication only) from " + clientCidr + " with scram-sha-256 (no local socket)";
    }

    @Override
    public List<String> ctl(String action, String... options) {
        List<String> command = new ArrayList<>(List.of(binaries.program("pg_ctl").toString(), "-D", dataDir()));
        switch (action) {
            case "start", "restart" -> command.addAll(List.of("-l", logFile(), "-w", "-t", "120"));
            case "stop" -> command.addAll(List.of("-w", "-t", "60"));
            default -> {
            }
        }
        command.add(action);
        command.addAll(List.of(options));
        return command;
    }

    @Override
    public boolean ctlAsAdmin() {
        return false;
    }

    @Override
    public Map<String, String> clientEnv() {
        return Map.of("PGPASSFILE", pgpassFile());
    }

    @Override
    public String program(String name) {
        return binaries.program(name).toString();
    }

    @Override
    public boolean has(String program) {
        return binaries.has(program);
    }

    @Override
    public List<Step> initSteps(Node node, Supplier<Secrets> secrets) {
        return List.of(Step.of(node.name(), "initdb -D " + dataDir() + " (UTF8, locale C, scram-sha-256, the superuser's"
                        + " password from a file) and include '" + SETTINGS_FILE + "' in postgresql.conf",
                () -> Files.isRegularFile(nodeDir.resolve("data/PG_VERSION")), () -> initdb(node, secrets.get())));
    }

    private void initdb(Node node, Secrets secrets) {
        prepareDir();
        String pwfile = nodeDir.resolve("initdb.pw").toString();
        node.transport().writeFile(pwfile, secrets.password(Secrets.SUPERUSER));
        try {
            node.transport().run(List.of(program("initdb"), "-D", dataDir(), "-U", Secrets.SUPERUSER, "--pwfile=" + pwfile,
                    "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C", "--no-sync"));
        } finally {
            node.transport().exec(List.of("rm", "-f", pwfile));
        }
        node.transport().run(List.of("sh", "-c", "printf '\\ninclude %s\\n' \"$2\" >> \"$1\"", "include",
                dataDir() + "/postgresql.conf", "'" + SETTINGS_FILE + "'"));
    }

    /** The node's directory belongs to the service user, who runs initdb, pg_ctl and the server in it. */
    public void prepareDir() {
        try {
            Files.createDirectories(nodeDir);
            ServiceUser.own(nodeDir);
        } catch (IOException e) {
            throw new ClusterException("Cannot create " + nodeDir + ": " + e.getMessage(), e);
        }
    }

    /** The fsync of a fresh local clone costs minutes on a busy disk and protects nothing a re-clone would not. */
    @Override
    public boolean durableClones() {
        return false;
    }

    @Override
    public List<Step> passwordSteps(Node node, Supplier<Secrets> secrets) {
        return List.of();
    }

    @Override
    public void beforeStart(Node node) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, node.peerPort()), 500);
        } catch (IOException free) {
            return;
        }
        throw new ClusterException("Port " + node.peerPort() + " for " + node.name() + " is already taken by another program."
                + " Stop it, or choose other ports with PAGILA_CLUSTER_HOSTS (primary,node1,node2,node3 as host:port).");
    }
}
