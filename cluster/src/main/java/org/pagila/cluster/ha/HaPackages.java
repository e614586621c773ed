package org.pagila.cluster.ha;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.transport.Shell;

/** The Debian packages the Patroni profile runs on; a missing one is named, never a stack trace from deep inside. */
public final class HaPackages {
    public static final List<String> ALL = List.of("patroni", "etcd-server", "etcd-client", "haproxy", "python3-etcd3", "postgresql-15");

    private HaPackages() {
    }

    /** Which packages are missing, judged by what each one provides. */
    public static List<String> missing(HaSettings ha) {
        Map<String, Boolean> present = new LinkedHashMap<>();
        present.put("patroni", Files.isExecutable(Path.of("/usr/bin/patroni")));
        present.put("etcd-server", onPath("etcd"));
        present.put("etcd-client", onPath("etcdctl"));
        present.put("haproxy", onPath("haproxy"));
        // Patroni runs in Debian's python3; a pyenv or venv python on PATH does not count
        present.put("python3-etcd3", Files.isExecutable(Path.of("/usr/bin/python3"))
                && Shell.exec(List.of("/usr/bin/python3", "-c", "import etcd, etcd3, psycopg2")).exitCode() == 0);
        present.put("postgresql-15", List.of("pg_ctl", "initdb", "pg_basebackup", "pg_rewind", "pg_controldata", "postgres")
                .stream().allMatch(tool -> Files.isExecutable(ha.pgBin().resolve(tool))));
        List<String> missing = new ArrayList<>();
        present.forEach((pkg, ok) -> {
            if (!ok) {
                missing.add(pkg);
            }
        });
        return missing;
    }

    public static void require(HaSettings ha) {
        List<String> missing = missing(ha);
        if (!missing.isEmpty()) {
            throw new ClusterException("The Patroni profile (--ha) needs these Debian packages, not installed here: "
                    + String.join(" ", missing) + "\n  install them with: apt-get install " + String.join(" ", missing)
                    + (missing.contains("postgresql-15") ? "\n  (PostgreSQL 15 is expected in " + ha.pgBin()
                    + "; pagila.ha.pg-bin / PAGILA_HA_PG_BIN points elsewhere)" : ""));
        }
    }

    private static boolean onPath(String binary) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        dirs.addAll(List.of("/usr/bin", "/usr/sbin"));
        return dirs.stream().filter(d -> !d.isBlank()).anyMatch(d -> Files.isExecutable(Path.of(d, binary)));
    }
}
