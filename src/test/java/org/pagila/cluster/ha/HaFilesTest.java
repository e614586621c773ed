package org.pagila.cluster.ha;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.secrets.Secrets;
import org.pagila.cluster.transport.Shell;

/** The generated Patroni and HAProxy files, from settings alone (no cluster): ports, rules, and HAProxy's own check. */
class HaFilesTest {
    @TempDir
    Path home;

    private HaSettings settings(Map<String, String> values) {
        Map<String, String> all = new java.util.HashMap<>(Map.of("pagila.cluster.home", home.toString(), "pagila.cluster.name", "unit",
                "pagila.cluster.hosts", "127.0.0.1:29900,127.0.0.1:29901,127.0.0.1:29902,127.0.0.1:29903"));
        all.putAll(values);
        return HaSettings.from(key -> Optional.ofNullable(all.get(key)));
    }

    @Test
    void everyPortDerivesFromOneBasePerKind() {
        HaSettings ha = settings(Map.of("pagila.ha.rest-port", "29910", "pagila.ha.etcd-port", "29920", "pagila.ha.haproxy-port", "29930"));
        assertEquals(29913, ha.restPort("node3"));
        assertEquals(List.of("127.0.0.1:29920", "127.0.0.1:29922", "127.0.0.1:29924"), ha.etcdHosts());
        assertEquals(29925, ha.etcdPeerPort(2));
        assertEquals(29930, ha.readWritePort());
        assertEquals(29931, ha.readOnlyPort());
        assertThrows(ClusterException.class, () -> ha.restPort("node4"));
    }

    @Test
    void defaultsAreTheUsualPortsAndOurTimings() {
        HaSettings ha = settings(Map.of());
        assertEquals(8008, ha.restPort("primary"));
        assertEquals(2379, ha.etcdClientPort(0));
        assertEquals(5000, ha.readWritePort());
        assertEquals(PatroniTimings.FAST, ha.timings());
        assertThrows(IllegalArgumentException.class, () -> settings(Map.of("pagila.ha.ttl", "10")));
    }

    @Test
    void patroniConfigHasSlotsRewindScramAndAReplicationOnlyRuleForTheReplicator() throws Exception {
        HaSettings ha = settings(Map.of("pagila.ha.rest-port", "29910", "pagila.ha.etcd-port", "29920"));
        Secrets secrets = Secrets.loadOrCreate(home.resolve("secrets.properties"));
        JsonNode yml = new YAMLMapper().readTree(PatroniConfig.of(ha, "node2", secrets).render());
        assertEquals("pagila-unit", yml.path("scope").asText());
        assertEquals("node2", yml.path("name").asText());
        assertEquals("127.0.0.1:29912", yml.path("restapi").path("listen").asText());
        assertEquals(3, yml.path("etcd3").path("hosts").size());
        JsonNode dcs = yml.path("bootstrap").path("dcs");
        assertEquals(20, dcs.path("ttl").asInt());
        assertEquals(2, dcs.path("loop_wait").asInt());
        assertEquals(5, dcs.path("retry_timeout").asInt());
        assertTrue(dcs.path("postgresql").path("use_pg_rewind").asBoolean());
        assertTrue(dcs.path("postgresql").path("use_slots").asBoolean());
        JsonNode pg = yml.path("postgresql");
        assertEquals("127.0.0.1:29902", pg.path("listen").asText());
        assertEquals("/usr/lib/postgresql/15/bin", pg.path("bin_dir").asText());
        assertEquals(secrets.password(Secrets.REPLICATION_USER), pg.path("authentication").path("replication").path("password").asText());
        List<String> hba = new java.util.ArrayList<>();
        pg.path("pg_hba").forEach(line -> hba.add(line.asText().replaceAll("\\s+", " ")));
        assertTrue(hba.stream().allMatch(line -> line.endsWith("scram-sha-256")), hba.toString());
        assertEquals(List.of("host replication replicator 127.0.0.1/32 scram-sha-256"),
                hba.stream().filter(line -> line.contains("replicator")).toList(), "the replicator may only replicate");
        assertEquals("off", yml.path("watchdog").path("mode").asText());
        // the same rules at bootstrap (Patroni 3.0.2's validator asks for them) and afterwards
        assertEquals(pg.path("pg_hba"), yml.path("bootstrap").path("pg_hba"));
        // pg_rewind as the rewind login (Patroni makes it at bootstrap with the four file functions), never the superuser
        assertEquals(Secrets.REWIND_USER, pg.path("authentication").path("rewind").path("username").asText());
        assertEquals(secrets.password(Secrets.REWIND_USER), pg.path("authentication").path("rewind").path("password").asText());
        assertEquals(List.of("host postgres pagila_backup,pagila_rewind 127.0.0.1/32 scram-sha-256"),
                hba.stream().filter(line -> line.contains("rewind") || line.contains("backup")).toList(),
                "backups and pg_rewind reach database postgres only");
        assertEquals(List.of("local all postgres scram-sha-256", "host all postgres 127.0.0.1/32 scram-sha-256"),
                hba.stream().filter(line -> line.contains(" postgres ") && !line.startsWith("host postgres")).toList(),
                "the superuser: the socket and this machine only");
        JsonNode parameters = pg.path("parameters");
        assertEquals("always", parameters.path("archive_mode").asText(), "every member archives, whatever its role");
        assertEquals(home.resolve("unit/backups/archive-wal.sh") + " \"%p\" \"%f\"", parameters.path("archive_command").asText());
        assertEquals("60s", parameters.path("archive_timeout").asText());
    }

    @Test
    void haproxyAcceptsTheGeneratedConfigAndChecksPatroniNotPostgres() throws Exception {
        HaSettings ha = settings(Map.of("pagila.ha.rest-port", "29910", "pagila.ha.haproxy-port", "29930"));
        String cfg = new HaproxyConfig(ha).render();
        assertTrue(cfg.contains("option httpchk GET /primary"));
        assertTrue(cfg.contains("option httpchk GET /replica?lag=1048576"));
        assertTrue(cfg.contains("server node1 127.0.0.1:29901 check port 29911"));
        org.junit.jupiter.api.Assumptions.assumeTrue(HaPackages.missing(ha).stream().noneMatch("haproxy"::equals)
                || "true".equals(System.getenv("CI")), "haproxy not installed (apt-get install haproxy)");
        Path file = home.resolve("haproxy.cfg");
        Files.writeString(file, cfg);
        var check = Shell.exec(List.of("haproxy", "-c", "-f", file.toString()));
        assertEquals(0, check.exitCode(), check.output());
    }
}
