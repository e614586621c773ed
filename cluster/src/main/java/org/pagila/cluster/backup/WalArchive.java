package org.pagila.cluster.backup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.ClusterSettings;

import org.pagila.cluster.transport.ServiceUser;

/**
 * The continuous WAL archive: one folder every node archives into. archive_mode=always makes standbys archive
 * what they receive too, so WAL the primary wrote just before it died is kept by whichever standby got it, and
 * archiving goes on from whichever node is promoted (with its timeline history file) without any re-pointing.
 * Several nodes offer the same segment; the command keeps the first copy and accepts identical ones.
 */
public final class WalArchive {
    public static final String CONF_FILE = "pagila-archive.conf";
    public static final String SCRIPT = "archive-wal.sh";

    private final BackupSettings settings;

    public WalArchive(BackupSettings settings) {
        this.settings = settings;
    }

    /**
     * The archive_command's script. Never overwrites: an existing file with the same bytes is success (another node
     * archived it), a different one is a failure PostgreSQL retries and pg_stat_archiver reports. The copy is
     * fsynced under a temporary name and published with a hard link, which fails if the name exists (atomic, no
     * overwrite race between nodes); then the folder is fsynced.
     */
    public static String script(Path archiveDir) {
        return """
                #!/bin/sh
                # WAL archive command, written by pagila-cluster: %1$s PATH NAME
                set -u
                src="$1"; name="$2"; dir='%2$s'
                dest="$dir/$name"
                # A segment of a timeline a later one has replaced (a history file names a higher timeline) may differ
                # between nodes past the fork: each standby completed it with what it had received when it switched.
                # The copy archived first is kept; no restore on the surviving timeline reads past the fork in it.
                superseded() {
                  case "$name" in *[!0-9A-F]*|"") return 1;; esac
                  [ ${#name} -eq 24 ] || return 1
                  tl=$(printf '%%d' "0x$(echo "$name" | cut -c1-8)")
                  for h in "$dir"/*.history; do
                    [ -e "$h" ] || continue
                    [ "$(printf '%%d' "0x$(basename "$h" .history)")" -gt "$tl" ] && return 0
                  done
                  return 1
                }
                if [ -e "$dest" ]; then
                  cmp -s "$src" "$dest" && exit 0
                  if superseded; then
                    echo "archive-wal: $name differs from the archived copy past a timeline fork; keeping the archived one" >&2
                    exit 0
                  fi
                  echo "archive-wal: $dest exists with different content; not overwriting it" >&2
                  exit 1
                fi
                tmp="$dir/.tmp.$name.$$"
                # group-readable: restores on the backup machine read it as the servers' user there (see writableBy)
                if ! cp "$src" "$tmp" || ! chmod 0640 "$tmp" || ! sync "$tmp"; then rm -f "$tmp"; echo "archive-wal: cannot write $tmp" >&2; exit 1; fi
                if ln "$tmp" "$dest" 2>/dev/null; then rm -f "$tmp"; sync "$dir"; exit 0; fi
                rm -f "$tmp"
                # lost a race with another node archiving the same file: fine if it is the same
                cmp -s "$src" "$dest" || superseded
                """.formatted(SCRIPT, archiveDir.toString().replace("'", ""));
    }

    /** Server settings: always on, on every node; archive_timeout bounds how old the archive's end may get. */
    public String serverSettings() {
        return "# WAL archive (written by pagila-cluster backup tooling)\n"
                + "archive_mode = " + ARCHIVE_MODE + "\n"
                + "archive_command = '" + archiveCommand() + "'\n"
                + "archive_timeout = '" + archiveTimeout() + "'\n";
    }

    /** Every node archives, standbys too (see the class comment): the same on every transport and under Patroni. */
    public static final String ARCHIVE_MODE = "always";

    /** The archive_command: the script, with the file's path and name (a path as the nodes see it). */
    public String archiveCommand() {
        return settings.dir().resolve(SCRIPT) + " \"%p\" \"%f\"";
    }

    public BackupSettings settings() {
        return settings;
    }

    public String archiveTimeout() {
        return settings.archiveTimeout().toSeconds() + "s";
    }

    /**
     * Creates the backup folders (the archive belongs to the servers' user, who writes it) and the script. Folders
     * that exist are left as they are: a permission problem is reported by the archiver, never papered over here.
     */
    public void prepare() {
        try {
            if (!Files.isDirectory(settings.archiveDir())) {
                Files.createDirectories(settings.archiveDir());
                Files.setPosixFilePermissions(settings.dir(), PosixFilePermissions.fromString("rwxr-xr-x"));
                Files.setPosixFilePermissions(settings.archiveDir(), PosixFilePermissions.fromString("rwx------"));
                ServiceUser.own(settings.archiveDir());
            }
            if (!Files.isDirectory(settings.baseDir())) {
                Files.createDirectories(settings.baseDir());
                Files.setPosixFilePermissions(settings.baseDir(), PosixFilePermissions.fromString("rwx------"));
            }
            Path script = settings.dir().resolve(SCRIPT);
            String content = script(settings.archiveDir());
            if (!Files.isRegularFile(script) || !Files.readString(script).equals(content)) {
                // Running nodes execute the script at any moment: writing into it fails with "Text file busy", so a
                // new version is written beside it and renamed over it (an archiver already running keeps the old).
                Path next = script.resolveSibling(SCRIPT + ".new");
                Files.writeString(next, content);
                Files.setPosixFilePermissions(next, PosixFilePermissions.fromString("rwxr-xr-x"));
                Files.move(next, script, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            throw new ClusterException("Cannot prepare the backup folder " + settings.dir() + ": " + e.getMessage(), e);
        }
    }

    /**
     * A node that reaches the archive folder under the same path (the local processes; a container with the folder
     * bind-mounted at that path) must be able to write it as its PostgreSQL OS user, whose id differs between this
     * machine and a container. The folder is given to that user through the node's own transport, with the group of
     * this machine's servers' user (set-group-id, so every archived file gets it): a restore here, run as that user,
     * reads what the node archived (the script makes each file group-readable).
     */
    public org.pagila.cluster.engine.Step writableBy(org.pagila.cluster.engine.Node node) {
        String dir = settings.archiveDir().toString();
        return org.pagila.cluster.engine.Step.of(node.name(), "WAL archive " + dir + " writable by the node's PostgreSQL user",
                () -> node.transport().exec(List.of("test", "-w", dir, "-a", "-x", settings.dir().resolve(SCRIPT).toString()))
                        .exitCode() == 0,
                () -> node.transport().runAdmin(List.of("sh", "-c", "chown \"$(stat -c %u \"$1\")\":\"$3\" \"$2\" && chmod 2770 \"$2\"",
                        "own", node.layout().dataDir(), dir, localGroup())));
    }

    /**
     * A node's own archive on its own machine, at this archive's path there (containers without the shared folder;
     * and each VM, from `kvm apply` once it is up): the script, and the folder owned by the node's PostgreSQL user (the owner of
     * its data folder). This machine's archive then gets the node's WAL by collection ({@link ArchiveCollect}).
     */
    public org.pagila.cluster.engine.Step ownArchiveOn(org.pagila.cluster.engine.Node node) {
        String wal = settings.archiveDir().toString();
        String script = settings.dir().resolve(SCRIPT).toString();
        return org.pagila.cluster.engine.Step.of(node.name(), "own WAL archive " + wal + " and " + SCRIPT + " on the node",
                () -> node.transport().exec(List.of("test", "-w", wal, "-a", "-x", script)).exitCode() == 0,
                () -> node.transport().runAdmin(List.of("sh", "-c", "owner=$(stat -c %u \"$1\") && group=$(stat -c %g \"$1\") && mkdir -p \"$(dirname \"$3\")\""
                        + " && printf '%s' \"$4\" > \"$3\" && chmod 0755 \"$3\" && install -d -o \"$owner\" -g \"$group\" -m 2770 \"$2\"",
                        "own-archive", node.layout().dataDir(), wal, script, script(settings.archiveDir()))));
    }

    /** The numeric group of the user restores run as on this machine. */
    private static String localGroup() {
        return org.pagila.cluster.transport.Shell.run(ServiceUser.isRoot() ? List.of("id", "-g", ServiceUser.NAME) : List.of("id", "-g"))
                .strip();
    }

    /**
     * The archive settings for the embedded layout's settings file (every node, from its first start): the backup
     * folder is the cluster folder's {@code backups} unless PAGILA_BACKUP_DIR says otherwise. Prepares the folder and
     * the script, so archiving works from the first segment.
     */
    public static String embeddedSettings(Path clusterDir) {
        String name = clusterDir.getFileName().toString();
        ClusterSettings cluster = new ClusterSettings(name, clusterDir.getParent(), List.of(), java.util.Optional.empty(),
                java.util.Optional.empty());
        WalArchive archive = new WalArchive(BackupSettings.fromSystem(cluster));
        archive.prepare();
        return archive.serverSettings();
    }

    /** Archived WAL files (segments, partial segments, backup and history files), oldest segment first. */
    public List<String> files() {
        if (!Files.isDirectory(settings.archiveDir())) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(settings.archiveDir())) {
            return files.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
        } catch (IOException e) {
            throw new ClusterException("Cannot list the WAL archive " + settings.archiveDir() + ": " + e.getMessage(), e);
        }
    }

    /** The highest complete segment in the archive (its end is as far as a restore can replay). */
    public Optional<String> newestSegment(long segmentSize) {
        return files().stream().filter(WalNames::isFullSegment)
                .max(Comparator.comparingLong((String n) -> WalNames.segmentNumberOf(n, segmentSize).orElseThrow())
                        .thenComparing(n -> WalNames.timelineOf(n).orElse(0)));
    }

    public Optional<Instant> archivedAt(String fileName) {
        try {
            return Optional.of(Files.getLastModifiedTime(settings.archiveDir().resolve(fileName)).toInstant());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    public boolean has(String fileName) {
        return Files.isRegularFile(settings.archiveDir().resolve(fileName));
    }

    /** Waits until a segment is archived (any node may archive it); false on timeout. */
    public boolean awaitArchived(String segment, Duration timeout) {
        return awaitArchived(segment, timeout, Duration.ofMillis(200), () -> { });
    }

    /** The same, running {@code refresh} before each look (e.g. collecting the nodes' own archives). */
    public boolean awaitArchived(String segment, Duration timeout, Duration poll, Runnable refresh) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            refresh.run();
            if (has(segment)) {
                return true;
            }
            if (Instant.now().isAfter(deadline)) {
                return false;
            }
            try {
                Thread.sleep(poll.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    public void delete(String fileName) {
        try {
            Files.deleteIfExists(settings.archiveDir().resolve(fileName));
        } catch (IOException e) {
            throw new ClusterException("Cannot delete " + fileName + " from the WAL archive: " + e.getMessage(), e);
        }
    }

    public long size(String fileName) {
        try {
            return Files.size(settings.archiveDir().resolve(fileName));
        } catch (IOException e) {
            return 0;
        }
    }
}
