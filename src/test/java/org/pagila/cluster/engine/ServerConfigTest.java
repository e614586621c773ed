package org.pagila.cluster.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pagila.cluster.secrets.Secrets;

/** What the engine writes into a node's files: who may connect from where, where a standby's password lives. */
class ServerConfigTest {
    private static final PackagedLayout VM = new PackagedLayout("17", 5432).listeningOnOwnAddress();
    private static final Node PRIMARY = new Node("primary", "192.168.122.1", 5432, null, VM, null);
    private static final Node NODE1 = new Node("node1", "192.168.122.101", 5432, null, VM, null);

    @Test
    void aStandbyNamesItsPasswordFileNeverThePassword(@TempDir Path dir) {
        Secrets secrets = Secrets.loadOrCreate(dir.resolve("secrets.properties"));
        String settings = ServerConfig.standbySettings(NODE1, PRIMARY);
        assertTrue(settings.contains("passfile=/var/lib/postgresql/.pgpass"), settings);
        assertFalse(settings.contains("password") || settings.contains(secrets.password(Secrets.REPLICATION_USER)), settings);
        assertTrue(ServerConfig.followStatements(NODE1, PRIMARY).get(0).contains("passfile=/var/lib/postgresql/.pgpass"));
        assertTrue(ServerConfig.pgpass(secrets).contains(Secrets.REPLICATION_USER + ":" + secrets.password(Secrets.REPLICATION_USER)),
                "the password is in the file the standby names");
    }

    @Test
    void theSuperuserOnlyFromTheAdminAddressTheOthersFromTheSubnet() {
        List<String> hba = ServerConfig.hba(VM, "192.168.122.0/24", "192.168.122.1/32").lines()
                .filter(line -> line.startsWith("host")).map(line -> line.replaceAll("\\s+", " ")).toList();
        assertEquals(List.of(
                "host all postgres 192.168.122.1/32 scram-sha-256",
                "host pagila pagila_app,pagila_owner,pagila_monitor 192.168.122.0/24 scram-sha-256",
                "host postgres pagila_backup,pagila_rewind 192.168.122.0/24 scram-sha-256",
                "host replication replicator 192.168.122.0/24 scram-sha-256"), hba);
        assertTrue(ServerConfig.rewindSource(PRIMARY).contains("user=" + Secrets.REWIND_USER), "pg_rewind needs no superuser");
    }

    @Test
    void vmsListenOnTheirOwnAddressContainersOnTheirOnlyInterface() {
        assertTrue(ServerConfig.settings(NODE1).contains("listen_addresses = '192.168.122.101'"), ServerConfig.settings(NODE1));
        assertTrue(ServerConfig.settings(PRIMARY).contains("listen_addresses = '192.168.122.1'"));
        Node container = new Node("node1", "node1", 5432, null, new PackagedLayout("15", 5432), null);
        assertTrue(ServerConfig.settings(container).contains("listen_addresses = '*'"));
    }
}
