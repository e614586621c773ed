package org.pagila.cluster.engine;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.function.Supplier;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.PagilaFiles;
import org.pagila.cluster.PagilaInstall;
import org.pagila.cluster.Progress;
import org.pagila.cluster.secrets.Secrets;

/**
 * Database pagila on the primary, and the decision whether to load it. A load goes into a staging database that is
 * renamed to pagila, with a comment recording the completed load, only when everything is in: so pagila is never
 * half loaded, and the tooling never drops it. A pagila without that record (made by hand, or by an older version
 * of this tooling) is taken as loaded only when it is visibly complete; otherwise bring-up stops and says why.
 */
public final class PagilaDatabase {
    static final String DATABASE = "pagila";
    static final String STAGING = "pagila_loading";
    static final String RECORD = "pagila-cluster: Pagila " + PagilaFiles.VERSION + " load completed";

    /** What bring-up finds. */
    public enum State { ABSENT, LOADED, UNRECORDED_COMPLETE, UNRECORDED_INCOMPLETE }

    public enum Decision { LOAD, KEEP, RECORD_AND_KEEP, STOP }

    private PagilaDatabase() {
    }

    /** The decision: never a drop. Only an absent database is loaded; doubt stops bring-up with a message. */
    public static Decision decide(State state) {
        return switch (state) {
            case ABSENT -> Decision.LOAD;
            case LOADED -> Decision.KEEP;
            case UNRECORDED_COMPLETE -> Decision.RECORD_AND_KEEP;
            case UNRECORDED_INCOMPLETE -> Decision.STOP;
        };
    }

    /** Classifies from what the primary says: the database's comment, and (without the record) a completeness check. */
    public static State classify(boolean exists, String comment, boolean looksComplete) {
        if (!exists) {
            return State.ABSENT;
        }
        if (comment != null && comment.startsWith(RECORD)) {
            return State.LOADED;
        }
        return looksComplete ? State.UNRECORDED_COMPLETE : State.UNRECORDED_INCOMPLETE;
    }

    public static Step step(Node primary, Supplier<NodeControl> control, PagilaFiles files, Progress progress) {
        return Step.of(primary.name(), "database pagila: Pagila v" + PagilaFiles.VERSION + " (SHA-256 verified) and role "
                        + Secrets.APP_USER + ", over JDBC from this machine",
                () -> ensure(primary, control.get(), files, progress));
    }

    static void ensure(Node primary, NodeControl control, PagilaFiles files, Progress progress) {
        State state = state(primary, control);
        switch (decide(state)) {
            case KEEP -> progress.detail("already loaded; not reloading");
            case RECORD_AND_KEEP -> {
                control.jdbc(primary, c -> record(c, DATABASE));
                progress.detail("already loaded (complete, recorded now); not reloading");
            }
            case STOP -> throw new ClusterException("Database pagila on " + primary.name() + " exists but holds no record of a"
                    + " completed load, and does not look complete (1000 films, role " + Secrets.APP_USER + "). It is left as it is."
                    + " Look at it; if it is only a broken load, drop it yourself (DROP DATABASE pagila on " + primary.name()
                    + ") and bring the cluster up again.");
            case LOAD -> load(primary, control, files, progress);
        }
    }

    private static void load(Node primary, NodeControl control, PagilaFiles files, Progress progress) {
        control.jdbc(primary, c -> {
            try (Statement s = c.createStatement()) {
                // the staging database of an interrupted load: never served, never anybody's data
                s.execute("DROP DATABASE IF EXISTS " + STAGING);
                s.execute("CREATE DATABASE " + STAGING);
            }
        });
        PagilaInstall.load(database -> control.connect(primary, database), STAGING, files, control.secrets(), progress);
        control.jdbc(primary, c -> {
            try (Statement s = c.createStatement()) {
                s.execute("ALTER DATABASE " + STAGING + " RENAME TO " + DATABASE);
            }
            record(c, DATABASE);
        });
        progress.detail("load completed and recorded (comment on database pagila)");
    }

    static State state(Node primary, NodeControl control) {
        State[] state = new State[1];
        control.jdbc(primary, c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT shobj_description(oid, 'pg_database') FROM pg_database"
                    + " WHERE datname = ?")) {
                s.setString(1, DATABASE);
                try (ResultSet rs = s.executeQuery()) {
                    boolean exists = rs.next();
                    String comment = exists ? rs.getString(1) : null;
                    boolean recorded = comment != null && comment.startsWith(RECORD);
                    state[0] = classify(exists, comment, exists && !recorded && looksComplete(primary, control));
                }
            }
        });
        return state[0];
    }

    private static boolean looksComplete(Node primary, NodeControl control) {
        try (Connection c = control.connect(primary, DATABASE); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT (SELECT count(*) FROM pg_roles WHERE rolname = '" + Secrets.APP_USER
                     + "') = 1 AND to_regclass('public.payment') IS NOT NULL AND (SELECT count(*) FROM public.film) = 1000")) {
            rs.next();
            return rs.getBoolean(1);
        } catch (SQLException e) {
            return false;
        }
    }

    private static void record(Connection c, String database) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("COMMENT ON DATABASE " + database + " IS " + Roles.quote(RECORD + " " + Instant.now()));
        }
    }
}
