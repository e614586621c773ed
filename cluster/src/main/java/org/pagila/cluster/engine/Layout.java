package org.pagila.cluster.engine;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.pagila.cluster.secrets.Secrets;

/**
 * What differs between the PostgreSQL builds the engine drives, and nothing else: where the files are, which
 * programs exist, how the server is controlled. {@link EmbeddedLayout}: the PostgreSQL 17 build from Maven Central
 * (initdb, pg_ctl, postgres only) or a local install, one data directory per node. {@link PackagedLayout}: Debian's
 * or the PostgreSQL apt repository's packages (pg_ctlcluster, configuration under /etc). The steps are the same.
 */
public interface Layout {
    /** For progress lines: "PostgreSQL 17.9.0 from Maven Central", "packaged PostgreSQL 15". */
    String describe();

    String dataDir();

    String settingsFile();

    String hbaFile();

    /** The password file of the PostgreSQL OS user (pg_basebackup, pg_rewind and the WAL receiver read it). */
    String pgpassFile();

    String logFile();

    /** The settings live inside the data directory: a clone overwrites them, so a standby writes its own after it. */
    boolean configInDataDir();

    /** listen_addresses of this node's server. */
    String listenAddresses(Node node);

    /** The folder of the server's configuration files when it is not the data directory (Debian's /etc); backups copy it. */
    default java.util.Optional<String> configDir() {
        return java.util.Optional.empty();
    }

    /** Settings this layout adds after the common ones (later lines win). */
    String extraSettings();

    /** pg_hba.conf lines before the common ones (the packaged layout keeps peer administration on the socket). */
    String hbaPreamble();

    /** How the pg_hba step describes itself for this layout. */
    String hbaDescription(String clientCidr);

    /** The server control command: start, stop, restart, status (pg_ctl or pg_ctlcluster). */
    List<String> ctl(String action, String... options);

    /** Start/stop/restart belong to the administrator (systemd owns the service) rather than the PostgreSQL user. */
    boolean ctlAsAdmin();

    /** Environment for client programs run on the node (names of files only: it may travel on a command line). */
    Map<String, String> clientEnv();

    String program(String name);

    /** pg_basebackup and pg_rewind: packaged installs have them, the bundled build does not. */
    boolean has(String program);

    /** Clones are synced to disk; a throwaway local cluster skips it (a crash there means a new clone anyway). */
    default boolean durableClones() {
        return true;
    }

    /** Steps that make the data directory exist (initdb) before anything is configured; none when a package made it. */
    List<Step> initSteps(Node node, Supplier<Secrets> secrets);

    /** Steps that give the superuser its password once the server runs; none when initdb already set it. */
    List<Step> passwordSteps(Node node, Supplier<Secrets> secrets);

    /** A check before the server starts (a port held by another program); nothing by default. */
    default void beforeStart(Node node) {
    }

    /** Admin commands that keep a fenced node from starting at boot, or let it again; none by default. */
    default List<List<String>> bootCommands(boolean fenced) {
        return List.of();
    }
}
