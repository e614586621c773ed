package org.pagila.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.pagila.store.catalog.CatalogAggregates;
import org.pagila.store.cluster.TestCluster;
import org.pagila.store.counter.Staff;
import org.pagila.store.web.Prerequisite;

/**
 * The k6 scripts in k6/ against the test store, without k6 (no k6 binary can be had here): src/test/k6/run.mjs loads
 * each script under Node with a stand-in of k6's modules, checks its options as k6 parses them, runs its scenarios'
 * virtual users at once (ten iterations each) and evaluates its checks and its thresholds on counts; the thresholds on
 * speed are k6's and the benchmark's. So a script that asks for a route the store no longer has, reads a field the API
 * no longer sends, or names a metric that does not exist fails here, not in a user's k6 run. The rentals the scripts
 * make (random films, returned at once) are deleted afterwards and the popularity counts redone: other tests of the
 * same cluster count the most rented film's rentals.
 */
@QuarkusTest
class K6ScriptsTest {
    private static final Path K6 = Path.of("k6");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URL store;

    @Inject
    CatalogAggregates aggregates;

    @Test
    void everyK6ScriptRunsAgainstTheStoreWithItsChecksAndCountThresholdsPassing() throws Exception {
        Prerequisite.require(nodeWithModuleHooks() && runs("curl", "--version"),
                "Node.js 18.19+ (18.x) or 20.6+ (module.register) and curl for the k6 scripts' stand-in (apt-get install nodejs curl)");
        List<String> scripts = scripts();
        assertEquals(List.of("k6/browse.js", "k6/counter.js", "k6/failover.js", "k6/mixed.js"), scripts,
                "the k6 scripts with options (lib.js is what they share)");
        List<String> command = new ArrayList<>(List.of("node", "src/test/k6/run.mjs"));
        command.addAll(scripts);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("BASE_URL", store.toString().replaceAll("/$", ""));
        builder.environment().put("STAFF", "Mike");
        builder.environment().put("STAFF_PASSWORD", Staff.password("Mike"));
        builder.environment().put("ITERATIONS", "10");
        Path log = Files.createTempFile("k6-stand-in", ".log");
        builder.redirectOutput(log.toFile());
        long lastRental = lastRentalId();
        String output;
        try {
            Process run = builder.start();
            if (!run.waitFor(5, TimeUnit.MINUTES)) {
                run.destroyForcibly();
                fail("the stand-in ran over 5 minutes:\n" + Files.readString(log));
            }
            output = Files.readString(log);
            System.out.println(output);
            assertEquals(0, run.exitValue(), output);
        } finally {
            forgetRentalsAfter(lastRental);
            Files.deleteIfExists(log);
        }

        List<JsonNode> results = new ArrayList<>();
        for (String line : output.lines().filter(l -> l.startsWith("K6 ")).toList()) {
            results.add(JSON.readTree(line.substring(3)));
        }
        assertEquals(scripts.size(), results.size(), "one result per script:\n" + output);
        for (JsonNode result : results) {
            String script = result.path("script").asText();
            assertEquals(0, result.path("problems").size(), script + ": " + result);
            assertTrue(result.path("counts").path("http_reqs").asInt() >= 10, script + " made its requests: " + result);
            assertTrue(result.path("checks").size() > 0, script + " ran its checks: " + result);
            result.path("checks").forEach(c -> assertTrue(c.path("passes").asInt() > 0 && c.path("fails").asInt() == 0, script + ": " + result));
            boolean judged = false;
            for (JsonNode threshold : result.path("thresholds")) {
                judged |= threshold.path("evaluated").asBoolean() && threshold.path("holds").asBoolean();
            }
            assertTrue(judged, script + ": at least one threshold evaluated and holding: " + result);
        }
    }

    private static long lastRentalId() throws SQLException {
        try (Connection primary = TestCluster.superuser("primary", "pagila")) {
            return TestCluster.count(primary, "SELECT coalesce(max(rental_id), 0) FROM rental");
        }
    }

    /** The scripts' rentals and their payments gone, and the popularity counts (which drain deletions too) redone. */
    private void forgetRentalsAfter(long lastRental) throws SQLException {
        try (Connection primary = TestCluster.superuser("primary", "pagila"); Statement s = primary.createStatement()) {
            s.executeUpdate("DELETE FROM payment WHERE rental_id > " + lastRental);
            s.executeUpdate("DELETE FROM rental WHERE rental_id > " + lastRental);
        }
        aggregates.refresh();
    }

    /** k6/*.js that declare options (the scripts a user runs), as paths from the project. */
    private static List<String> scripts() throws IOException {
        try (Stream<Path> files = Files.list(K6)) {
            return files.filter(f -> f.toString().endsWith(".js")).filter(K6ScriptsTest::declaresOptions)
                    .map(f -> "k6/" + f.getFileName()).sorted().toList();
        }
    }

    private static boolean declaresOptions(Path script) {
        try {
            return Files.readString(script).contains("export const options");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean runs(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static boolean nodeWithModuleHooks() {
        try {
            Process version = new ProcessBuilder("node", "-p", "process.versions.node").redirectErrorStream(true).start();
            String[] parts = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip().split("\\.");
            if (version.waitFor() != 0 || parts.length < 2) {
                return false;
            }
            int major = Integer.parseInt(parts[0]);
            int minor = Integer.parseInt(parts[1]);
            return major > 20 || (major == 20 && minor >= 6) || (major == 18 && minor >= 19);
        } catch (IOException | NumberFormatException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
