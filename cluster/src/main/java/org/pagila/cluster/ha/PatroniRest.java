package org.pagila.cluster.ha;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pagila.cluster.ClusterException;

/**
 * Patroni's REST API: what the cluster looks like to Patroni, and the only way we change it (switchover, failover,
 * dynamic configuration). Asks the members in turn, so any running Patroni answers for the cluster.
 */
public final class PatroniRest {
    private static final ObjectMapper JSON = new ObjectMapper();

    public record Member(String name, String role, String state, String host, int port, Optional<Long> timeline,
                         Optional<Long> lagBytes) {
        public boolean isLeader() {
            return role.equals("leader");
        }

        public boolean isSyncStandby() {
            return role.equals("sync_standby");
        }

        public boolean isRunningOrStreaming() {
            return state.equals("running") || state.equals("streaming");
        }
    }

    /** Patroni's view: members with roles and lag, plus the dynamic settings that matter here. */
    public record View(List<Member> members, boolean synchronousMode, boolean synchronousModeStrict, String timings,
                       String answeredBy) {
        public Optional<Member> leader() {
            return members.stream().filter(Member::isLeader).findFirst();
        }

        public List<String> syncStandbys() {
            return members.stream().filter(Member::isSyncStandby).map(Member::name).toList();
        }

        public String syncMode() {
            return synchronousModeStrict ? "strict" : synchronousMode ? "on" : "off";
        }
    }

    private final HaSettings ha;
    private final String restPassword;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();

    public PatroniRest(HaSettings ha, String restPassword) {
        this.ha = ha;
        this.restPassword = restPassword;
    }

    /** The first member whose Patroni answers tells the whole cluster's state. */
    public Optional<View> view() {
        for (String member : ha.members()) {
            try {
                JsonNode cluster = get(member, "/cluster");
                JsonNode config = get(member, "/config");
                String timings = "ttl " + config.path("ttl").asInt(30) + " s, loop_wait " + config.path("loop_wait").asInt(10)
                        + " s, retry_timeout " + config.path("retry_timeout").asInt(10) + " s";
                return Optional.of(new View(members(cluster), config.path("synchronous_mode").asBoolean(false),
                        config.path("synchronous_mode_strict").asBoolean(false), timings, member));
            } catch (IOException e) {
                // this member's Patroni is down: ask the next one
            }
        }
        return Optional.empty();
    }

    public static List<Member> members(JsonNode cluster) {
        List<Member> members = new ArrayList<>();
        for (JsonNode m : cluster.path("members")) {
            JsonNode lag = m.path("lag");
            members.add(new Member(m.path("name").asText(), m.path("role").asText(), m.path("state").asText(),
                    m.path("host").asText(), m.path("port").asInt(),
                    m.has("timeline") ? Optional.of(m.path("timeline").asLong()) : Optional.empty(),
                    lag.isNumber() ? Optional.of(lag.asLong()) : Optional.empty()));
        }
        return members;
    }

    public JsonNode get(String member, String path) throws IOException {
        HttpResponse<String> response = send(member, HttpRequest.newBuilder(uri(member, path)).GET());
        return JSON.readTree(response.body());
    }

    /** Changes Patroni's dynamic configuration (it lives in etcd and every member applies it within a loop). */
    public void patchConfig(Map<String, Object> changes) {
        changing("PATCH", "/config", changes);
    }

    public String switchover(String leader, Optional<String> candidate) {
        Map<String, Object> body = new java.util.HashMap<>(Map.of("leader", leader));
        candidate.ifPresent(c -> body.put("candidate", c));
        return changing("POST", "/switchover", body);
    }

    public String failover(String candidate) {
        return changing("POST", "/failover", Map.of("candidate", candidate));
    }

    private String changing(String method, String path, Map<String, Object> body) {
        ClusterException last = new ClusterException("No Patroni REST API answers (is the cluster up?)");
        for (String member : ha.members()) {
            try {
                String auth = Base64.getEncoder().encodeToString((PatroniConfig.REST_USER + ":" + restPassword)
                        .getBytes(StandardCharsets.UTF_8));
                HttpRequest.Builder request = HttpRequest.newBuilder(uri(member, path)).timeout(Duration.ofSeconds(90))
                        .header("Authorization", "Basic " + auth).header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
                HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() / 100 != 2) {
                    throw new ClusterException("Patroni refused " + method + " " + path + " (" + response.statusCode()
                            + "): " + response.body());
                }
                return response.body();
            } catch (IOException e) {
                last = new ClusterException("Patroni on " + member + " does not answer: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ClusterException("Interrupted while calling Patroni", e);
            }
        }
        throw last;
    }

    private HttpResponse<String> send(String member, HttpRequest.Builder request) throws IOException {
        try {
            return http.send(request.timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private URI uri(String member, String path) {
        return URI.create(ha.restUrl(member) + path);
    }
}
