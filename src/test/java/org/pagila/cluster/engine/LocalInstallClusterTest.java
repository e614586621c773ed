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
        assertTrue(upLog.contains("cloned from primary with pg_basebackup"), upLog);
        EmbeddedCluster cluster = cluster();
        cluster.kill("primary");
        String promoted = cluster.promote(Optional.empty());
        try (Connection c = TestClusters.superuser(SETTINGS, promoted, "pagila"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE written_after_failover (id int)");
            s.execute("INSERT INTO written_after_failover VALUES (1)");
        }
        LOG.reset();
        String how = cluster.rejoin("primary");
        String rejoinLog = LOG.toString(StandardCharsets.UTF_8);
        assertEquals("pg_rewind", how, rejoinLog);
        assertTrue(rejoinLog.contains("pg_rewind primary from " + promoted), rejoinLog);

        NodeStatus old = cluster.status().stream().filter(n -> n.name().equals("primary")).findFirst().orElseThrow();
        assertEquals(NodeStatus.Role.STANDBY, old.role(), cluster.statusTable());
        assertEquals(Optional.of(true), old.slotActive(), cluster.statusTable());
        Awaitility.await("the rewound node replays what the new primary wrote").atMost(Duration.ofSeconds(10))
                .ignoreExceptions().until(() -> {
                    try (Connection c = TestClusters.superuser(SETTINGS, "primary", "pagila"); Statement s = c.createStatement();
                         var rs = s.executeQuery("SELECT count(*) FROM written_after_failover")) {
                        return rs.next() && rs.getLong(1) == 1;
                    }
                });
    }
}
