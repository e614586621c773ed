package org.pagila.cluster.engine;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.pagila.cluster.secrets.Secrets;

/**
 * The store's four logins and what each may do at the cluster level, made by the tooling (as the superuser) at every
 * `up`, so a cluster made by an older version converges too. None is a superuser:
 * <ul>
 * <li>{@code pagila_owner} owns schema public of database pagila and everything in it (the store's migrations and
 * upkeep run as it);</li>
 * <li>{@code pagila_app} may connect to pagila and use schema public; its table rights are the store's own
 * migration V50 (granted by the owner: exactly the statements the store issues);</li>
 * <li>{@code pagila_monitor} is a member of pg_monitor (the store's cluster poller) and nothing else;</li>
 * <li>{@code pagila_backup} may run the low-level backup API, pg_switch_wal and CHECKPOINT (pg_checkpoint).</li>
 * </ul>
 */
public final class StoreRoles {
    private StoreRoles() {
    }

    /** Logins, memberships and function rights: roles are cluster-wide, function rights live in database postgres. */
    public static void ensureLogins(Connection postgresDb, Secrets secrets) throws SQLException {
        try (Statement s = postgresDb.createStatement()) {
            for (String user : Secrets.STORE_USERS) {
                Roles.ensureLogin(s, user, secrets.password(user), "NOREPLICATION");
            }
            // older versions made the store's role a pg_monitor member: it could read primary_conninfo
            s.execute("DO $$ BEGIN IF pg_has_role('" + Secrets.APP_USER + "', 'pg_monitor', 'MEMBER') THEN "
                    + "REVOKE pg_monitor FROM " + Secrets.APP_USER + "; END IF; END $$");
            s.execute("GRANT pg_monitor TO " + Secrets.MONITOR_USER);
            // backups connect to database postgres: the functions' EXECUTE right is granted there
            s.execute("GRANT EXECUTE ON FUNCTION pg_backup_start(text, boolean), pg_backup_stop(boolean), pg_switch_wal() TO "
                    + Secrets.BACKUP_USER);
            s.execute("GRANT pg_checkpoint TO " + Secrets.BACKUP_USER);
        }
    }

    /**
     * Inside database pagila: only our logins may connect, PUBLIC may no longer create in schema public (Pagila's
     * dump grants it ALL), and everything in schema public belongs to the owner role (Pagila was loaded, and older
     * versions migrated, as the superuser).
     */
    public static void ensurePagila(Connection pagilaDb) throws SQLException {
        try (Statement s = pagilaDb.createStatement()) {
            String database = currentDatabase(s);
            s.execute("REVOKE CONNECT, TEMPORARY ON DATABASE " + database + " FROM PUBLIC");
            s.execute("GRANT CONNECT ON DATABASE " + database + " TO " + Secrets.APP_USER + ", " + Secrets.OWNER_USER + ", "
                    + Secrets.MONITOR_USER);
            // CREATE EXTENSION of a trusted extension (pg_trgm, migration V10) needs CREATE on the database, and
            // REFRESH MATERIALIZED VIEW CONCURRENTLY (the catalog aggregates) works through a temporary table
            s.execute("GRANT CREATE, TEMPORARY ON DATABASE " + database + " TO " + Secrets.OWNER_USER);
            s.execute(OWNERSHIP);
            s.execute("REVOKE ALL ON SCHEMA public FROM PUBLIC");
            s.execute("GRANT USAGE ON SCHEMA public TO " + Secrets.APP_USER);
        }
    }

    /**
     * Every table, view, sequence, routine, domain and enum of schema public not owned by the owner role yet, given
     * to it. Left out: what moves with its table (indexes, sequences owned by a column) and extension members.
     */
    static final String OWNERSHIP = """
            DO $$
            DECLARE o record;
            BEGIN
              EXECUTE 'ALTER SCHEMA public OWNER TO %1$s';
              FOR o IN
                SELECT format('ALTER %%s %%s OWNER TO %1$s', CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                         WHEN 'S' THEN 'SEQUENCE' WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END, c.oid::regclass) AS ddl
                FROM pg_class c
                WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
                  AND c.relowner <> '%1$s'::regrole
                  AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                                  AND (d.deptype = 'e' OR (c.relkind = 'S' AND d.deptype IN ('a', 'i'))))
                UNION ALL
                SELECT format('ALTER %%s %%s OWNER TO %1$s', CASE p.prokind WHEN 'a' THEN 'AGGREGATE' WHEN 'p' THEN 'PROCEDURE'
                         ELSE 'FUNCTION' END, p.oid::regprocedure)
                FROM pg_proc p
                WHERE p.pronamespace = 'public'::regnamespace AND p.proowner <> '%1$s'::regrole
                  AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
                UNION ALL
                SELECT format('ALTER %%s %%s OWNER TO %1$s', CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END, t.oid::regtype)
                FROM pg_type t
                WHERE t.typnamespace = 'public'::regnamespace AND t.typtype IN ('d', 'e') AND t.typowner <> '%1$s'::regrole
                  AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e')
              LOOP
                EXECUTE o.ddl;
              END LOOP;
            END $$""".formatted(Secrets.OWNER_USER);

    private static String currentDatabase(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT quote_ident(current_database())")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
