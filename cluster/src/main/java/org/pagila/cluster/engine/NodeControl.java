package org.pagila.cluster.engine;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.pagila.cluster.Await;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.Jdbc;
import org.pagila.cluster.secrets.Secrets;
import org.pagila.cluster.transport.Shell;

/**
 * What the steps do to one node, over its transport and its layout: server control, files, signals, and SQL over
 * JDBC from this machine (the bundled build has no psql, and containers and VMs are reached the same way).
 */
public final class NodeControl {
    /** The file in a data directory that marks a fenced former primary: it may only come back as a standby. */
    public static final String FENCE_FILE = "pagila-fenced";

    /**
     * Signals a postmaster and, when asked, its children, found through /proc (no procps needed in a minimal
     * container). Prints the pids signalled. $1: data directory, $2: signal, $3: "tree" or "postmaster".
     */
    private static final String SIGNAL_SCRIPT = """
            pid=$(head -n 1 "$1/postmaster.pid" 2>/dev/null) || exit 0
            case "$pid" in ''|*[!0-9]*) exit 0;; esac
            [ -d "/proc/$pid" ] || exit 0
            kids=""
            for f in /proc/[0-9]*/stat; do
              read -r line 2>/dev/null < "$f" || continue
              set -- "$1" "$2" "$3" ${line##*) }
              [ "$5" = "$pid" ] && { p=${f#/proc/}; kids="$kids ${p%/stat}"; }
            done
            if [ "$3" = tree ]; then kill -s "$2" $pid $kids 2>/dev/null; echo $pid $kids
            else kill -s "$2" $pid 2>/dev/null; echo $pid; fi
            """;

    /** Exit 0 when the postmaster of data directory $1 is stopped by a signal (state T in /proc/PID/stat). */
    private static final String FROZEN_SCRIPT = """
            pid=$(head -n 1 "$1/postmaster.pid" 2>/dev/null) || exit 1
            case "$pid" in ''|*[!0-9]*) exit 1;; esac
            read -r line 2>/dev/null < "/proc/$pid/stat" || exit 1
            set -- ${line##*) }
            [ "$1" = T ]
            """;

    private static final Duration CONNECT_PATIENCE = Duration.ofSeconds(30);

    private final Secrets secrets;

    public NodeControl(Secrets secrets) {
        this.secrets = secrets;
    }

    public Secrets secrets() {
        return secrets;
    }

    public boolean isRunning(Node node) {
        return node.transport().exec(node.layout().ctl("status")).exitCode() == 0;
    }

    public boolean exists(Node node, String fileInDataDir) {
        return node.transport().exec(List.of("test", "-e", node.layout().dataDir() + "/" + fileInDataDir)).exitCode() == 0;
    }

    public boolean isInitialized(Node node) {
        return exists(node, "PG_VERSION");
    }

    public boolean isFenced(Node node) {
        return exists(node, FENCE_FILE);
    }

    public boolean isStandbyConfigured(Node node) {
        return exists(node, "standby.signal");
    }

    /** Starts the server unless it runs. A fenced former primary is never started this way: it must be rejoined. */
    public void start(Node node) {
        if (isRunning(node)) {
            return;
        }
        if (isFenced(node)) {
            throw fenced(node);
        }
        // A node the engine runs comes back at boot too (a packaged image may ship with its server off at boot).
        startsAtBoot(node, true);
        startUnguarded(node);
    }

    /** Whether the machine's service manager starts the server at boot: never for a fenced node (see Fence). */
    static void startsAtBoot(Node node, boolean starts) {
        for (List<String> command : node.layout().bootCommands(!starts)) {
            node.transport().runAdmin(command);
        }
    }

    /** For rejoin only, which starts a fenced node with standby.signal in place. */
    void startUnguarded(Node node) {
        node.layout().beforeStart(node);
        Shell.Result result = control(node, node.layout().ctl("start"));
        if (result.exitCode() != 0) {
            throw new ClusterException(node.name() + " did not start (exit " + result.exitCode() + "): " + result.output()
                    + "\nLast log lines:\n" + tailLog(node));
        }
    }

    public void stop(Node node) {
        if (isRunning(node)) {
            Shell.Result result = control(node, node.layout().ctl("stop", "-m", "fast"));
            if (result.exitCode() != 0) {
                throw new ClusterException(node.name() + " did not stop: " + result.output());
            }
        }
    }

    /** Reloads the configuration; restarts only when a changed setting needs it (pending_restart). */
    public void reloadOrRestart(Node node) {
        boolean restart;
        try {
            // pg_file_settings reads the files now, as a reload would: a setting that only a restart applies shows an error
            restart = "t".equals(query(node, "SELECT EXISTS (SELECT FROM pg_file_settings WHERE error IS NOT NULL)"));
            query(node, "SELECT pg_reload_conf()");
        } catch (ClusterException unreachable) {
            // Running, but not where our settings say it listens: a packaged server the OS started at boot with the
            // package's defaults (listen_addresses='localhost'). Only a restart applies listen_addresses.
            restart = true;
        }
        if (restart) {
            Shell.Result result = control(node, node.layout().ctl("restart", "-m", "fast"));
            if (result.exitCode() != 0) {
                throw new ClusterException(node.name() + " did not restart: " + result.output() + "\n" + tailLog(node));
            }
        }
    }

    /** Signals the server's processes (STOP freezes, CONT thaws, KILL crashes). Returns the pids signalled. */
    public List<Long> signal(Node node, String signal, boolean withChildren) {
        Shell.Result result = node.transport().execAdmin(List.of("sh", "-c", SIGNAL_SCRIPT, "signal",
                node.layout().dataDir(), signal, withChildren ? "tree" : "postmaster"));
        List<Long> pids = new ArrayList<>();
        for (String word : result.output().split("\\s+")) {
            if (word.matches("[0-9]+")) {
                pids.add(Long.parseLong(word));
            }
        }
        return pids;
    }

    /** Whether the node's postmaster is stopped by SIGSTOP (freeze), so a repeated freeze or thaw can say so. */
    public boolean isFrozen(Node node) {
        return node.transport().execAdmin(List.of("sh", "-c", FROZEN_SCRIPT, "frozen", node.layout().dataDir())).exitCode() == 0;
    }

    /** Waits until none of these processes exists any more (a SIGKILLed postmaster's children linger briefly). */
    public void awaitGone(Node node, List<Long> pids) {
        if (pids.isEmpty()) {
            return;
        }
        String script = "for p in \"$@\"; do kill -0 \"$p\" 2>/dev/null && exit 1; done; exit 0";
        List<String> command = new ArrayList<>(List.of("sh", "-c", script, "gone"));
        pids.forEach(p -> command.add(String.valueOf(p)));
        Await.until(node.name() + "'s processes " + pids + " gone", Duration.ofSeconds(30),
                () -> node.transport().execAdmin(command).exitCode() == 0);
    }

    /** Writes a file unless it already holds exactly this content; true when it wrote. */
    public boolean writeIfChanged(Node node, String path, String content) {
        if (content.strip().equals(read(node, path))) {
            return false;
        }
        node.transport().writeFile(path, content);
        return true;
    }

    public boolean hasContent(Node node, String path, String content) {
        return content.strip().equals(read(node, path));
    }

    /** A file's content, or null when it cannot be read. */
    public String read(Node node, String path) {
        Shell.Result current = node.transport().exec(List.of("cat", path));
        return current.exitCode() == 0 ? current.output() : null;
    }

    public String tailLog(Node node) {
        Shell.Result tail = node.transport().exec(List.of("tail", "-n", "20", node.layout().logFile()));
        return tail.exitCode() == 0 ? tail.output() : "(no log at " + node.layout().logFile() + ")";
    }

    /** One value of one query over JDBC as the superuser, as text (null for SQL NULL). */
    public String query(Node node, String sql) {
        return query(node, "postgres", sql);
    }

    public String query(Node node, String database, String sql) {
        String[] value = new String[1];
        jdbc(node, database, c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
                value[0] = rs.next() ? rs.getString(1) : null;
            }
        });
        return value[0];
    }

    @FunctionalInterface
    public interface SqlAction {
        void run(Connection connection) throws SQLException;
    }

    public void jdbc(Node node, SqlAction action) {
        jdbc(node, "postgres", action);
    }

    public void jdbc(Node node, String database, SqlAction action) {
        try (Connection c = connect(node, database)) {
            action.run(c);
        } catch (SQLException e) {
            throw new ClusterException("SQL on " + node.name() + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * A superuser connection for a step. A server that has just started, or a machine under heavy load, may refuse
     * or time out a first attempt: connection failures (SQLSTATE class 08, 57P03 "starting up") are retried for
     * CONNECT_PATIENCE; anything else fails at once.
     */
    public Connection connect(Node node, String database) throws SQLException {
        Connection[] connection = new Connection[1];
        SQLException[] last = new SQLException[1];
        try {
            Await.until("a connection to " + node.name(), CONNECT_PATIENCE, Duration.ofMillis(500), () -> {
                try {
                    connection[0] = Jdbc.connect(node.client().get(), database, Secrets.SUPERUSER, secrets.password(Secrets.SUPERUSER));
                    return true;
                } catch (SQLException e) {
                    last[0] = e;
                    String state = e.getSQLState() == null ? "" : e.getSQLState();
                    if (state.startsWith("08") || state.equals("57P03")) {
                        return false;
                    }
                    throw new ClusterException("not a connection failure", e);
                }
            }, () -> "");
        } catch (ClusterException e) {
            throw last[0] != null ? last[0] : new SQLException(e.getMessage(), e);
        }
        return connection[0];
    }

    private Shell.Result control(Node node, List<String> command) {
        return node.layout().ctlAsAdmin() ? node.transport().execAdmin(command) : node.transport().exec(command);
    }

    static ClusterException fenced(Node node) {
        return new ClusterException(node.name() + " is fenced: it was the primary until a standby was promoted, and started"
                + " as it is it would be a second primary. Bring it back as a standby with `rejoin " + node.name() + "`.");
    }
}
