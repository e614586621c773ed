package org.pagila.cluster.backup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.ClusterSettings;
import org.pagila.cluster.Progress;
import org.pagila.cluster.engine.PostgresBinaries;
import org.pagila.cluster.transport.Shell;

/**
 * The server programs a restored node runs: those of the backup's major version, since PostgreSQL opens only data
 * directories of its own major version. The cluster's own (the bundled 17, or PG_BIN) when they match; otherwise
 * Debian's install of that version (a Patroni cluster, the containers and the VMs run packaged PostgreSQL 15).
 */
final class RestoreBinaries {
    private static final Pattern MAJOR = Pattern.compile("^(\\d+)");
    private static final Pattern VERSION_OUTPUT = Pattern.compile("\\(PostgreSQL\\) (\\d+)");

    private RestoreBinaries() {
    }

    static PostgresBinaries forMajor(ClusterSettings cluster, int major, Progress progress) {
        Optional<Path> local = PostgresBinaries.localInstall(cluster);
        // the bundled build is asked by its jar's version, so it is unpacked only when it is the version needed
        int ownMajor = local.map(bin -> majorOf(new PostgresBinaries(bin, "PG_BIN"))).orElseGet(() -> majorOfVersion(PostgresBinaries.bundledVersion()));
        if (ownMajor == major) {
            return PostgresBinaries.resolve(cluster, progress);
        }
        Path debian = Path.of("/usr/lib/postgresql/" + major + "/bin");
        if (Files.isExecutable(debian.resolve("postgres")) && Files.isExecutable(debian.resolve("pg_ctl"))) {
            return new PostgresBinaries(debian, "Debian PostgreSQL " + major);
        }
        throw new ClusterException("This backup is of PostgreSQL " + major + ", and a restore needs that version's programs: install"
                + " the Debian package postgresql-" + major + " (or set PG_BIN to its bin folder). Found: "
                + local.map(bin -> "PG_BIN " + bin).orElse("the bundled PostgreSQL " + PostgresBinaries.bundledVersion()));
    }

    /** "15.14 (Debian 15.14-0+deb12u1)" or "17.9" -> 15 or 17. */
    static int majorOfVersion(String serverVersion) {
        Matcher m = MAJOR.matcher(serverVersion.strip());
        if (!m.find()) {
            throw new ClusterException("Cannot tell the PostgreSQL major version from '" + serverVersion + "'");
        }
        return Integer.parseInt(m.group(1));
    }

    /** A data directory's PG_VERSION file holds its major version. */
    static int majorOfDataDir(Path dataDir) {
        try {
            return majorOfVersion(Files.readString(dataDir.resolve("PG_VERSION")));
        } catch (java.io.IOException e) {
            throw new ClusterException("No readable PG_VERSION in " + dataDir + ": " + e.getMessage(), e);
        }
    }

    private static int majorOf(PostgresBinaries binaries) {
        Shell.Result version = Shell.exec(List.of(binaries.program("postgres").toString(), "--version"));
        Matcher m = VERSION_OUTPUT.matcher(version.output());
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }
}
