package org.pagila.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The same cluster on a full PostgreSQL install (PG_BIN): standbys cloned with pg_basebackup, and a crashed
 * primary brought back with pg_rewind instead of a fresh copy. Uses Debian's postgresql-15 when present.
 */
class LocalInstallClusterTest {
    private static final Path PG_BIN = Path.of(Optional.ofNullable(System.getenv("PAGILA_TEST_PG_BIN")).orElse("/usr/lib/postgresql/15/bin"));
    private static final String HOSTS = Optional.ofNullable(System.getenv("PAGILA_TEST_LOCAL_HOSTS"))
            .orElse("127.0.0.1:23432,127.0.0.1:23433,127.0.0.1:23434,127.0.0.1:23435");
    private static final ClusterSettings SETTINGS = ClusterSettings.from(key -> switch (key) {
        case "pagila.cluster.name" -> Optional.of("local-install-" + HOSTS.replaceAll("^.*?:(\\d+),.*$", "$1"));
        case "pagila.cluster.hosts" -> Optional.of(HOSTS);
        case "pagila.cluster.pg-bin" -> Optional.of(PG_BIN.toString());
        default -> Optional.ofNullable(System.getenv(key.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "_")));
    });

    private static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();

    private static EmbeddedCluster cluster() {
        return new EmbeddedCluster(SETTINGS, new Progress(new PrintStream(LOG, true, StandardCharsets.UTF_8), 7));
    }

    @BeforeAll
    static void up() {
        Assumptions.assumeTrue(Files.isExecutable(PG_BIN.resolve("pg_basebackup")) && Files.isExecutable(PG_BIN.resolve("pg_rewind")),
                "SKIPPED: no PostgreSQL install with pg_basebackup and pg_rewind at " + PG_BIN + " (apt-get install postgresql-15)");
        cluster().destroy();
        cluster().up();
    }

    @AfterAll
    static void destroy() {
        if (Files.isExecutable(PG_BIN.resolve("pg_ctl"))) {
            cluster().destroy();
        }
    }

    @Test
    void pgBasebackupClonesAndPgRewindBringsBackACrashedPrimary() throws Exception {
        String upLog = LOG.toString(StandardCharsets.UTF_8);
        assertTrue(upLog.contains("pg_basebackup from primary"), upLog);
        EmbeddedCluster cluster = cluster();
        cluster.kill("primary");
        String promoted = new Failover(cluster).promote(Optional.empty());
        try (Connection c = superuser(promoted); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE written_after_failover (id int)");
            s.execute("INSERT INTO written_after_failover VALUES (1)");
        }
        LOG.reset();
        new Failover(cluster).rejoin("primary");
        String rejoinLog = LOG.toString(StandardCharsets.UTF_8);
        assertTrue(rejoinLog.contains("pg_rewind primary from " + promoted) && rejoinLog.contains("rewound"), rejoinLog);

        NodeStatus old = cluster.status().stream().filter(n -> n.name().equals("primary")).findFirst().orElseThrow();
        assertEquals(NodeStatus.Role.STANDBY, old.role(), cluster.statusTable());
        assertEquals(Optional.of(true), old.slotActive(), cluster.statusTable());
        try (Connection c = superuser("primary")) {
            long deadline = System.nanoTime() + 10_000_000_000L;
            long rows;
            do {
                rows = countQuietly(c);
                Thread.sleep(50);
            } while (rows != 1 && System.nanoTime() < deadline);
            assertEquals(1, rows, "the rewound node replays what the new primary wrote");
        }
    }

    private static long countQuietly(Connection c) {
        try (Statement s = c.createStatement(); var rs = s.executeQuery("SELECT count(*) FROM written_after_failover")) {
            rs.next();
            return rs.getLong(1);
        } catch (Exception e) {
            return -1;
        }
    }

    private static Connection superuser(String node) throws java.sql.SQLException {
        Secrets secrets = Secrets.load(SETTINGS.secretsFile());
        return Jdbc.connect(SETTINGS.node(node), "pagila", Secrets.SUPERUSER, secrets.password(Secrets.SUPERUSER));
    }
}
