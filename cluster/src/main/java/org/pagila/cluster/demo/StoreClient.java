package org.pagila.cluster.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

/** The store as the demo sees it: its /api/cluster view, pages for the browsing customers, the staff rental API. */
final class StoreClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final URI store;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final String basicAuth;

    /** What one request came to: HTTP status (0: no answer) and the node that served its reads. */
    record Answer(int status, String servedBy, JsonNode body) {
    }

    StoreClient(URI store, String staff, String password) {
        this.store = store;
        this.basicAuth = "Basic " + Base64.getEncoder().encodeToString((staff + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    URI store() {
        return store;
    }

    /** The store's view of the cluster: mode, primary, nodes. Empty when the store does not answer. */
    Optional<JsonNode> cluster() {
        Answer answer = send(HttpRequest.newBuilder(store.resolve("/api/cluster")).GET(), true);
        return answer.status() == 200 ? Optional.ofNullable(answer.body()) : Optional.empty();
    }

    /** As a browser asks: pages as HTML, /api as JSON. */
    Answer get(String path) {
        return send(HttpRequest.newBuilder(store.resolve(path)).header("Accept", "text/html, application/json;q=0.9").GET(), false);
    }

    Answer staffPost(String path, String json) {
        return send(HttpRequest.newBuilder(store.resolve(path)).header("Authorization", basicAuth)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)), true);
    }

    private Answer send(HttpRequest.Builder request, boolean parse) {
        try {
            HttpRequest built = request.timeout(TIMEOUT).build();
            if (built.headers().firstValue("Accept").isEmpty()) {
                built = HttpRequest.newBuilder(built, (name, value) -> true).header("Accept", "application/json").build();
            }
            HttpResponse<String> response = http.send(built,
                    HttpResponse.BodyHandlers.ofString());
            JsonNode body = null;
            if (parse && response.body() != null && response.body().startsWith("{")) {
                body = JSON.readTree(response.body());
            }
            return new Answer(response.statusCode(), response.headers().firstValue("X-Served-By").orElse(null), body);
        } catch (IOException e) {
            return new Answer(0, null, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(0, null, null);
        }
    }

    static String mode(JsonNode cluster) {
        return cluster.path("mode").asText();
    }

    static Optional<JsonNode> node(JsonNode cluster, String name) {
        for (JsonNode node : cluster.path("nodes")) {
            if (node.path("name").asText().equals(name)) {
                return Optional.of(node);
            }
        }
        return Optional.empty();
    }

    /** A standby that streams from its upstream (the store's /api/cluster shows "host:port (streaming)"). */
    static boolean streams(JsonNode cluster, String name) {
        return node(cluster, name).map(n -> n.path("role").asText().equals("standby")
                && n.path("upstream").asText("").contains("streaming")).orElse(false);
    }
}
