package org.pagila.store.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the store hands the cluster tool's JVM: its own view of every setting, and its own classes. */
class ClusterToolTest {

    @Test
    void everySettingTheToolReadsIsPassedAndAnUnsetOneIsPassedBlank() {
        Map<String, String> store = Map.of("pagila.cluster.name", "shop", "pagila.cluster.hosts",
                "127.0.0.1:1,127.0.0.1:2,127.0.0.1:3,127.0.0.1:4", "pagila.ha.ttl", "30");
        Map<String, String> passed = ClusterTool.settings(key -> Optional.ofNullable(store.get(key)));
        assertEquals("shop", passed.get("pagila.cluster.name"));
        assertEquals("30", passed.get("pagila.ha.ttl"));
        // blank is "not set" to the tool, and wins over PAGILA_DIR or PAGILA_CLUSTER_HOME in its environment
        for (String unset : new String[] {"pagila.dir", "pagila.cluster.home", "pagila.cluster.pg-bin", "pagila.backup.dir",
                "pagila.ha.rest-port"}) {
            assertEquals("", passed.get(unset), unset);
        }
        assertTrue(passed.keySet().stream().allMatch(k -> k.startsWith("pagila.")), passed.toString());
        assertTrue(passed.keySet().stream().noneMatch(k -> k.contains("password")), "no password on a command line: " + passed);
    }

    @Test
    void thePackagedStoreHandsOnTheJarsBesideItsRunner(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("lib/main"));
        Files.createFile(dir.resolve("quarkus-run.jar"));
        String own = System.getProperty("java.class.path");
        try {
            System.setProperty("java.class.path", dir.resolve("quarkus-run.jar").toString());
            assertEquals(String.join(File.pathSeparator, dir.resolve("app") + "/*", dir.resolve("lib/boot") + "/*",
                    dir.resolve("lib/main") + "/*"), ClusterTool.classpath());
        } finally {
            System.setProperty("java.class.path", own);
        }
        assertEquals(own, ClusterTool.classpath(), "tests and dev mode: the classpath as it is");
    }
}
