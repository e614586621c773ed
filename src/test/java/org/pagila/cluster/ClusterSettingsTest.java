package org.pagila.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The cluster name becomes a directory that destroy deletes: only a plain path segment is accepted. */
class ClusterSettingsTest {

    private static ClusterSettings named(String name) {
        return ClusterSettings.from(key -> key.equals("pagila.cluster.name") ? Optional.of(name) : Optional.empty());
    }

    @Test
    void plainNamesAreAccepted() {
        assertEquals("dev-engine", named("dev-engine").name());
        assertTrue(named("lifecycle-16632").clusterDir().endsWith("lifecycle-16632"));
    }

    @Test
    void namesThatCouldLeaveTheClusterHomeAreRefused() {
        for (String bad : new String[] {"..", "../etc", "a/b", "/", "", ".hidden", "x y", "a".repeat(65)}) {
            ClusterException e = assertThrows(ClusterException.class, () -> named(bad), bad);
            assertTrue(e.getMessage().contains("is not allowed"), e.getMessage());
        }
    }
}
