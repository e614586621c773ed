package org.pagila.cluster.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pagila.cluster.ClusterSettings;
import org.pagila.cluster.probe.NodeStatus;

/**
 * The same engine with a full PostgreSQL install (PG_BIN): standbys cloned with pg_basebackup, and a crashed
 * primary brought back with pg_rewind instead of a fresh copy. Uses Debian's postgresql-15; with CI=true a missing
 * install fails the run.
 */
class LocalInstallClusterTest {
    private static final Path PG_BIN = Path.of(Optional.ofNullable(System.getenv("PAGILA_TEST_PG_BIN")).orElse("/usr/lib/postgresql/15/bin"));
    private static final ClusterSettings SETTINGS = TestClusters.settings("local-install",
            TestClusters.hosts("PAGILA_TEST_LOCAL_HOSTS", 732, 23432), Map.of("pagila.cluster.pg-bin", PG_BIN.toString()));
    private static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();
    private static String upLog = "";

    private static EmbeddedCluster cluster() {
        return TestClusters.cluster(SETTINGS, LOG);
    }

    @BeforeAll
    static void up() {
        boolean installed = Files.isExecutable(PG_BIN.resolve("pg_basebackup")) && Files.isExecutable(PG_BIN.resolve("pg_rewind"));
        if (!installed && "true".equals(System.getenv("CI"))) {
            throw new IllegalStateException("CI=true and no PostgreSQL install with pg_basebackup and pg_rewind at " + PG_BIN
                    + " (apt-get install postgresql-15)");
        }
        assumeTrue(installed, "no PostgreSQL install with pg_basebackup and pg_rewind at " + PG_BIN + " (apt-get install postgresql-15)");
        cluster().destroy();
        cluster().up();
        upLog = LOG.toString(StandardCharsets.UTF_8);
    }

    @AfterAll
    static void destroy() {
        if (Files.isExecutable(PG_BIN.resolve("pg_ctl"))) {
            cluster().destroy();
        }
    }

    @Test
    void pgBasebackupClonesAndPgRewindBringsBackACrashedPrimary() throws Exception {
        assertTrue(upLog.contains("cloned from primary with pg_basebackup"), upLog);
        EmbeddedCluster cluster = cluster();
        String crashed = primaryOf(cluster);
        cluster.kill(crashed);
        String promoted = cluster.promote(Optional.empty());
        sql(promoted, "CREATE TABLE IF NOT EXISTS written_after_failover (id int)", "INSERT INTO written_after_failover VALUES (1)");
        long written = count(promoted, "SELECT count(*) FROM written_after_failover");

        assertRewound(cluster, crashed, promoted);
        Awaitility.await("the rewound node replays what the new primary wrote").atMost(Duration.ofSeconds(10))
                .ignoreExceptions().until(() -> count(crashed, "SELECT count(*) FROM written_after_failover") == written);
    }

    /**
     * The standbys stop listening, then the primary checkpoints and crashes: the last checkpoint both sides share lies
     * segments back, and the promoted standby's own checkpoint is still writing the buffers it replayed. Without an
     * immediate checkpoint on the new primary, pg_rewind 15 answered "no rewind required" and the node could not
     * start; without wal_keep_size the old primary had recycled the shared checkpoint's WAL and rejoin fell back to a
     * fresh clone.
     */
    @Test
    void aPrimaryThatCheckpointedAloneBeforeItCrashedIsRewoundNotCloned() throws Exception {
        EmbeddedCluster cluster = cluster();
        String crashed = primaryOf(cluster);
        List<String> standbys = cluster.status().stream().map(NodeStatus::name).filter(n -> !n.equals(crashed)).toList();
        sql(crashed, "CREATE TABLE IF NOT EXISTS diverged (note text)", "CHECKPOINT",
                "INSERT INTO diverged SELECT 'seen by every node ' || repeat('x', 200) FROM generate_series(1, 50000)",
                "SELECT pg_switch_wal()", "INSERT INTO diverged VALUES ('seen by every node')", "SELECT pg_switch_wal()");
        String written = text(crashed, "SELECT pg_current_wal_lsn()::text");
        for (String standby : standbys) {
            Awaitility.await(standby + " replays up to " + written).atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> count(standby, "SELECT (pg_last_wal_replay_lsn() >= '" + written + "')::int") == 1);
            // stops its WAL receiver but keeps the server, and with it the replayed buffers its promotion will write
            sql(standby, "ALTER SYSTEM SET primary_conninfo = ''", "SELECT pg_reload_conf()");
            Awaitility.await(standby + " stops receiving").atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> count(standby, "SELECT count(*) FROM pg_stat_wal_receiver") == 0);
        }
        sql(crashed, "INSERT INTO diverged VALUES ('only on the old primary')", "CHECKPOINT");
        cluster.kill(crashed);
        String promoted = cluster.promote(Optional.empty());

        assertRewound(cluster, crashed, promoted);
        Awaitility.await("the rewound node has the new primary's rows, not its own diverged one").atMost(Duration.ofSeconds(10))
                .ignoreExceptions().until(() -> count(crashed, "SELECT count(*) FROM diverged WHERE note = 'only on the old primary'") == 0
                        && count(crashed, "SELECT count(*) FROM diverged") == count(promoted, "SELECT count(*) FROM diverged"));
    }

    private static void assertRewound(EmbeddedCluster cluster, String crashed, String promoted) {
        LOG.reset();
        String how = cluster.rejoin(crashed);
        String rejoinLog = LOG.toString(StandardCharsets.UTF_8);
        assertEquals("pg_rewind", how, rejoinLog);
        assertTrue(rejoinLog.contains("pg_rewind " + crashed + " from " + promoted), rejoinLog);
        NodeStatus old = cluster.status().stream().filter(n -> n.name().equals(crashed)).findFirst().orElseThrow();
        assertEquals(NodeStatus.Role.STANDBY, old.role(), cluster.statusTable());
        assertEquals(Optional.of(true), old.slotActive(), cluster.statusTable());
    }

    private static String primaryOf(EmbeddedCluster cluster) {
        return cluster.status().stream().filter(n -> n.role() == NodeStatus.Role.PRIMARY).map(NodeStatus::name).findFirst()
                .orElseThrow(() -> new AssertionError("no primary\n" + cluster.statusTable()));
    }

    private static void sql(String node, String... statements) throws Exception {
        try (Connection c = TestClusters.superuser(SETTINGS, node, "pagila"); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    private static long count(String node, String query) throws Exception {
        return Long.parseLong(text(node, query));
    }

    private static String text(String node, String query) throws Exception {
        try (Connection c = TestClusters.superuser(SETTINGS, node, "pagila"); Statement s = c.createStatement();
             var rs = s.executeQuery(query)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
