package org.pagila.store.dashboard;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.pagila.store.web.Prerequisite;

/**
 * A real Prometheus (Debian's) scraping the test store: it answers PromQL for each standby's lag and the store's
 * mode, loads the repository's alert rules (also checked by promtool, and three of them run on made-up cases), and
 * runs every query of the Grafana dashboard.
 */
@QuarkusTest
class PrometheusTest {
    private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
    private static final Path PROMTOOL = Path.of("/usr/bin/promtool");
    private static final Path MONITORING = Path.of("cluster", "monitoring");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PORT = Integer.parseInt(System.getenv().getOrDefault("PAGILA_TEST_PROMETHEUS_PORT", "22490"));

    @TestHTTPResource("/")
    URL store;

    Process prometheus;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void startPrometheus() throws Exception {
        Prerequisite.require(Files.isExecutable(PROMETHEUS) && Files.isExecutable(PROMTOOL), "prometheus and promtool (apt-get install prometheus) for the Prometheus test");
        Path dir = Path.of("target", "prometheus").toAbsolutePath();
        Files.createDirectories(dir);
        // the repository's config, pointed at the test store and scraping every second
        String config = Files.readString(MONITORING.resolve("prometheus.yml"))
                .replace("scrape_interval: 5s", "scrape_interval: 1s").replace("evaluation_interval: 5s", "evaluation_interval: 1s")
                .replace("alerts.yml", MONITORING.resolve("alerts.yml").toAbsolutePath().toString())
                .replace("localhost:9000", java.net.URI.create(org.pagila.store.web.Management.url("/")).getAuthority());
        Files.writeString(dir.resolve("prometheus.yml"), config);
        prometheus = new ProcessBuilder(PROMETHEUS.toString(), "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data-" + System.nanoTime()), "--web.listen-address=127.0.0.1:" + PORT)
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
    }

    @AfterEach
    void stopPrometheus() throws Exception {
        if (prometheus != null) {
            prometheus.destroy();
            prometheus.waitFor();
        }
    }

    @Test
    void prometheusAnswersEachStandbysLagAndTheStoresMode() throws Exception {
        for (int i = 0; i < 20; i++) {
            given().get("/films?page=" + (1 + i % 3)).then().statusCode(200);
        }
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> nodes(query("pagila_replication_lag_bytes")).size() == 3);
        assertEquals(Set.of("node1", "node2", "node3"), nodes(query("pagila_replication_lag_bytes")));
        assertEquals(Set.of("node1", "node2", "node3"), nodes(query("pagila_replication_lag_seconds")));
        JsonNode mode = query("pagila_store_mode == 1").path("data").path("result");
        assertEquals(1, mode.size(), mode.toString());
        assertEquals("READ_WRITE", mode.get(0).path("metric").path("mode").asText());
        JsonNode primary = query("pagila_node_role{role=\"primary\"} == 1").path("data").path("result");
        assertEquals(1, primary.size(), "one primary: " + primary);
        assertTrue(query("sum(pagila_reads_total)").path("data").path("result").get(0).path("value").get(1).asDouble() >= 20);
    }

    @Test
    void theAlertRulesLoadInPromtoolAndPrometheus() throws Exception {
        promtool("check", "rules", MONITORING.resolve("alerts.yml").toString());
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> alertNames().size() == 9);
        assertTrue(alertNames().containsAll(List.of("PagilaNoPrimary", "PagilaStandbyLagging", "PagilaSlotRetentionNearLimit",
                "PagilaWalArchivingFailing", "PagilaBackupTooOld", "PagilaPageRefreshesFailing")));
        // a healthy cluster fires none of them, once they have been evaluated over its data
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> query("pagila_store_mode").path("data").path("result").size() == 3);
        java.time.Instant dataSeen = java.time.Instant.now();
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> evaluatedSince(dataSeen));
        JsonNode firing = get("/api/v1/alerts").path("data").path("alerts");
        assertEquals(0, firing.size(), firing.toString());
    }

    /** The rules' cases (alerts-test.yml, three of the nine rules): made-up series, Prometheus' evaluation, the alerts expected. */
    @Test
    void theAlertRulesPassTheirPromtoolTests() throws Exception {
        String output = promtool("test", "rules", MONITORING.resolve("alerts-test.yml").toString());
        assertTrue(output.contains("SUCCESS"), output);
    }

    /** promtool with these arguments, which must succeed: its output. */
    private static String promtool(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(PROMTOOL.toString()));
        command.addAll(List.of(arguments));
        Process run = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, run.waitFor(), output);
        return output;
    }

    @Test
    void everyQueryOfTheGrafanaDashboardRunsAndFindsData() throws Exception {
        JsonNode dashboard = JSON.readTree(MONITORING.resolve("grafana-dashboard.json").toFile());
        assertEquals("pagila-cluster", dashboard.path("uid").asText());
        List<String> expressions = new ArrayList<>();
        Set<Integer> ids = new TreeSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
            assertTrue(ids.add(panel.path("id").asInt()), "panel ids are unique");
            assertTrue(panel.path("gridPos").has("w") && panel.path("gridPos").has("h"), panel.path("title").asText());
            assertTrue(panel.path("targets").size() > 0, panel.path("title").asText());
            panel.path("targets").forEach(t -> expressions.add(t.path("expr").asText()));
        }
        assertTrue(expressions.size() >= 10, expressions.toString());
        for (int i = 0; i < 10; i++) {
            given().get("/films/" + (i + 1)).then().statusCode(200);
        }
        for (String expression : expressions) {
            Awaitility.await(expression).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> {
                        JsonNode answer = query(expression);
                        return answer.path("status").asText().equals("success") && answer.path("data").path("result").size() > 0;
                    });
        }
    }

    private Set<String> alertNames() throws Exception {
        Set<String> names = new TreeSet<>();
        for (JsonNode group : get("/api/v1/rules").path("data").path("groups")) {
            group.path("rules").forEach(r -> names.add(r.path("name").asText()));
        }
        return names;
    }

    private boolean evaluatedSince(java.time.Instant instant) throws Exception {
        for (JsonNode group : get("/api/v1/rules").path("data").path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                String last = rule.path("lastEvaluation").asText("");
                if (!rule.path("health").asText().equals("ok") || last.isEmpty()
                        || java.time.OffsetDateTime.parse(last).toInstant().isBefore(instant)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static Set<String> nodes(JsonNode answer) {
        Set<String> nodes = new TreeSet<>();
        answer.path("data").path("result").forEach(r -> nodes.add(r.path("metric").path("node").asText()));
        return nodes;
    }

    private JsonNode query(String promql) throws Exception {
        return get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    }

    private JsonNode get(String path) throws Exception {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PORT + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(response.body());
        } catch (IOException e) {
            return JSON.createObjectNode().put("status", "unreachable: " + e.getMessage());
        }
    }
}
