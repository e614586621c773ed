package org.pagila.cluster.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.ClusterSettings;
import org.pagila.cluster.Progress;
import org.pagila.cluster.engine.PostgresBinaries;
import org.pagila.store.web.Prerequisite;

/** A restore runs the backup's major version; the bundled build is unpacked only when it is that version. */
class RestoreBinariesTest {
    @TempDir
    Path home;

    @Test
    void aPostgres15BackupTakesDebiansProgramsWithoutUnpackingTheBundled17() throws Exception {
        Prerequisite.require(Files.isExecutable(Path.of("/usr/lib/postgresql/15/bin/postgres")), "Debian package postgresql-15");
        ClusterSettings settings = bundledOnly(Map.of("pagila.cluster.home", home.toString()));
        PostgresBinaries binaries = RestoreBinaries.forMajor(settings, 15, Progress.quiet());
        assertEquals(Path.of("/usr/lib/postgresql/15/bin"), binaries.bin());
        try (Stream<Path> unpacked = Files.list(home)) {
            assertEquals(0, unpacked.count(), "nothing unpacked into the cluster home " + home);
        }
    }

    @Test
    void aVersionWithNoProgramsHereNamesThePackageAndWhatWasFound() {
        ClusterSettings settings = bundledOnly(Map.of("pagila.cluster.home", home.toString()));
        ClusterException missing = assertThrows(ClusterException.class, () -> RestoreBinaries.forMajor(settings, 9, Progress.quiet()));
        assertTrue(missing.getMessage().contains("postgresql-9") && missing.getMessage().contains("the bundled PostgreSQL "
                + PostgresBinaries.bundledVersion()), missing.getMessage());
    }

    @Test
    void theBundledBuildIsUsedForItsOwnMajor() {
        ClusterSettings settings = bundledOnly(Map.of("pagila.cluster.home", home.toString()));
        int bundled = RestoreBinaries.majorOfVersion(PostgresBinaries.bundledVersion());
        PostgresBinaries binaries = RestoreBinaries.forMajor(settings, bundled, Progress.quiet());
        assertTrue(binaries.bin().startsWith(home) && Files.isExecutable(binaries.program("postgres")), binaries.toString());
        assertFalse(binaries.has("pg_basebackup"), "the bundled build has no client programs");
    }

    /** Settings without pg-bin; PG_BIN in the environment would take over, so these tests pin pg-bin off. */
    private static ClusterSettings bundledOnly(Map<String, String> values) {
        Prerequisite.require(System.getenv("PG_BIN") == null, "PG_BIN unset (it replaces the bundled build these tests are about)");
        return ClusterSettings.from(key -> Optional.ofNullable(values.get(key)));
    }
}
