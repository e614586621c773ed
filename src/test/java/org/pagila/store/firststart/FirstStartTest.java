package org.pagila.store.firststart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.ClusterSettings;
import org.pagila.cluster.Jdbc;
import org.pagila.cluster.Progress;
import org.pagila.cluster.secrets.Secrets;
import org.pagila.cluster.pagila.PagilaFiles;
import org.pagila.cluster.pagila.PagilaInstall;
import org.pagila.store.cluster.TestCluster;

/**
 * Command 1 as a new user runs it: no cluster yet, no PAGILA_DIR, so Pagila comes from the files bundled with the
 * project. The start prints its progress and the status table and nothing that looks like a failure.
 */
@QuarkusTest
@TestProfile(FirstStartProfile.class)
class FirstStartTest {

    /** Pagila v3.1.0's row counts (SOURCE.txt beside the bundled files). */
    private static final Map<String, Long> ROWS = new LinkedHashMap<>();

    static {
        ROWS.put("actor", 200L);
        ROWS.put("address", 603L);
        ROWS.put("category", 16L);
        ROWS.put("city", 600L);
        ROWS.put("country", 109L);
        ROWS.put("customer", 599L);
        ROWS.put("film", 1000L);
        ROWS.put("film_actor", 5462L);
        ROWS.put("film_category", 1000L);
        ROWS.put("inventory", 4581L);
        ROWS.put("language", 6L);
        ROWS.put("payment", 16049L);
        ROWS.put("rental", 16044L);
        ROWS.put("staff", 2L);
        ROWS.put("store", 2L);
    }

    @Test
    void theFirstStartPrintsProgressAndTheStatusTableAndNoStackTrace() throws Exception {
        String printed = Files.readString(StartTranscript.FILE, StandardCharsets.UTF_8);
        String log = Files.readString(StartTranscript.LOG, StandardCharsets.UTF_8);
        int started = log.indexOf(" started in ");
        assertTrue(started > 0, "the log holds the whole start, up to Quarkus' 'started in' line:\n" + log);
        String start = printed + log.substring(0, log.indexOf('\n', started) + 1);

        for (String expected : List.of("[1/7] PostgreSQL binaries", "[3/7] Pagila v3.1.0 on primary",
                "pagila-schema.sql (bundled Pagila v3.1.0, SHA-256 verified)", "pagila-data.sql (bundled Pagila v3.1.0, SHA-256 verified)",
                "46,273 rows loaded", "[7/7] standbys catching up", "Cluster up in", "NODE     ROLE", "Pagila Store: http://localhost:")) {
            assertTrue(start.contains(expected), "the first start prints '" + expected + "':\n" + start);
        }
        List<String> bad = start.lines().filter(line -> line.contains("Exception") || line.contains("Caused by")
                || line.startsWith("\tat ") || line.matches(".*\\bat [a-z]+\\.[\\w.$]+\\(.*\\)$") || line.contains(" ERROR ")
                || line.contains("HHH")).toList();
        assertEquals(List.of(), bad, "no stack trace, exception or error in the first start:\n" + start);
        assertEquals(List.of(), start.lines().filter(l -> l.contains(" WARN ")).toList(),
                "no warning in the first start (one about a temporary session key would print the key):\n" + start);
    }

    @Test
    void theBundledPagilaIsLoadedCompletelyAndTheLoadIsRecorded() throws Exception {
        try (Connection primary = TestCluster.superuser("primary", "pagila")) {
            for (var table : ROWS.entrySet()) {
                assertEquals(table.getValue(), TestCluster.count(primary, "SELECT count(*) FROM public." + table.getKey()), table.getKey());
            }
            assertEquals(1, TestCluster.count(primary, "SELECT count(*) FROM pagila_cluster.load WHERE version = '3.1.0' "
                    + "AND rows_loaded = 46273 AND data_sha256 = '" + PagilaFiles.File.DATA.sha256 + "'"), "the load is recorded");
        }
        try (Connection standby = TestCluster.superuser("node3", "pagila")) {
            assertEquals(1000, TestCluster.count(standby, "SELECT count(*) FROM film"), "the standbys have it too");
        }
    }

    @Test
    void aRecordedLoadIsNeverRepeatedAndADatabaseWithoutTheRecordIsNeverDropped() throws Exception {
        ClusterSettings settings = TestCluster.settings();
        assertEquals(Optional.empty(), settings.pagilaDir(), "PAGILA_DIR is cleared for this test");
        Secrets secrets = Secrets.load(settings.secretsFile());
        PagilaFiles bundled = new PagilaFiles(Optional.empty(), Progress.quiet());

        assertEquals(PagilaInstall.Outcome.ALREADY_LOADED, PagilaInstall.ensureLoaded(db -> superuser(db), bundled, secrets, Progress.quiet()));

        // A database "pagila" with tables but no record (here: pagila_doubt standing in for it) is left alone.
        execute("postgres", "DROP DATABASE IF EXISTS pagila_doubt", "CREATE DATABASE pagila_doubt");
        try {
            execute("pagila_doubt", "CREATE TABLE film (film_id int)", "INSERT INTO film VALUES (1)");
            ClusterException refused = assertThrows(ClusterException.class, () -> PagilaInstall.ensureLoaded(
                    db -> superuser(db.equals("pagila") ? "pagila_doubt" : db), bundled, secrets, Progress.quiet()));
            assertTrue(refused.getMessage().contains("nothing was dropped"), refused.getMessage());
            try (Connection doubt = superuser("pagila_doubt")) {
                assertEquals(1, TestCluster.count(doubt, "SELECT count(*) FROM film"), "its data is still there");
            }
        } finally {
            execute("postgres", "DROP DATABASE IF EXISTS pagila_doubt");
        }

        // An empty database without the record (a load that broke off right after CREATE DATABASE) is loaded.
        execute("postgres", "DROP DATABASE IF EXISTS pagila_empty", "CREATE DATABASE pagila_empty");
        try {
            assertEquals(PagilaInstall.Outcome.LOADED, PagilaInstall.ensureLoaded(
                    db -> superuser(db.equals("pagila") ? "pagila_empty" : db), bundled, secrets, Progress.quiet()));
            try (Connection empty = superuser("pagila_empty")) {
                assertEquals(16044, TestCluster.count(empty, "SELECT count(*) FROM rental"));
                assertEquals(1, TestCluster.count(empty, "SELECT count(*) FROM pagila_cluster.load"));
            }
        } finally {
            execute("postgres", "DROP DATABASE IF EXISTS pagila_empty");
        }
    }

    private static Connection superuser(String database) throws SQLException {
        ClusterSettings settings = TestCluster.settings();
        return Jdbc.connectPrimary(settings, database, Secrets.SUPERUSER,
                Secrets.load(settings.secretsFile()).password(Secrets.SUPERUSER));
    }

    private static void execute(String database, String... statements) throws SQLException {
        try (Connection c = superuser(database); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }
}
