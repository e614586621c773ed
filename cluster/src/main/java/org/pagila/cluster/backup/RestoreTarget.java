package org.pagila.cluster.backup;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.pagila.cluster.ClusterException;

/**
 * Where a restore stops: a moment ({@code at}), a WAL position ({@code lsn}), or, with neither, the end of the
 * archive. Recovery then promotes, so the restored node is writable and standalone.
 */
public record RestoreTarget(Optional<Instant> at, Optional<String> lsn) {

    public static RestoreTarget latest() {
        return new RestoreTarget(Optional.empty(), Optional.empty());
    }

    /** "2026-11-25T22:30:00Z", with an offset ("+01:00"), or "2026-11-25 22:30:00" (UTC). */
    public static RestoreTarget time(String text) {
        String t = text.trim().replace(' ', 'T');
        try {
            return new RestoreTarget(Optional.of(OffsetDateTime.parse(t).toInstant()), Optional.empty());
        } catch (DateTimeParseException notOffset) {
            try {
                return new RestoreTarget(Optional.of(LocalDateTime.parse(t).toInstant(ZoneOffset.UTC)), Optional.empty());
            } catch (DateTimeParseException e) {
                throw new ClusterException("Not a time: '" + text + "'. Use e.g. 2026-11-25T22:30:00Z (ISO-8601; UTC when no offset).");
            }
        }
    }

    public static RestoreTarget time(Instant at) {
        return new RestoreTarget(Optional.of(at), Optional.empty());
    }

    public static RestoreTarget lsn(String text) {
        if (!text.matches("[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}")) {
            throw new ClusterException("Not an LSN: '" + text + "'. Use PostgreSQL's form, e.g. 0/3000148.");
        }
        return new RestoreTarget(Optional.empty(), Optional.of(text.toUpperCase(Locale.ROOT)));
    }

    public String recoverySettings() {
        String target = at.map(t -> "recovery_target_time = '" + DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSxxx")
                        .format(t.atOffset(ZoneOffset.UTC)) + "'\n")
                .orElse(lsn.map(l -> "recovery_target_lsn = '" + l + "'\n").orElse(""));
        return target + "recovery_target_timeline = 'latest'\nrecovery_target_action = 'promote'\n";
    }

    public String describe() {
        return at.map(t -> "time " + t).orElse(lsn.map(l -> "LSN " + l).orElse("the end of the WAL archive"));
    }

    /**
     * The backup to start from: the one asked for, or the newest whose end (its first consistent point) lies
     * before the target, after checking that the target lies inside the window.
     */
    public BackupInfo chooseBackup(List<BackupInfo> backups, Optional<String> requested, Optional<RestoreWindow> window) {
        if (backups.isEmpty()) {
            throw new ClusterException("No backups to restore from: take one with `cluster/pagila-cluster backup`.");
        }
        RestoreWindow w = window.orElseThrow(() -> new ClusterException("No archived WAL yet: nothing to replay a backup with."));
        at.ifPresent(w::checkTime);
        lsn.ifPresent(w::checkLsn);
        List<BackupInfo> usable = backups.stream()
                .filter(b -> at.map(t -> !b.endTime().isAfter(t)).orElse(true))
                .filter(b -> lsn.map(l -> b.stopLsnBytes() <= WalNames.parseLsn(l)).orElse(true)).toList();
        if (requested.isPresent()) {
            BackupInfo chosen = backups.stream().filter(b -> b.id().equals(requested.get())).findFirst()
                    .orElseThrow(() -> new ClusterException("No backup '" + requested.get() + "'. Kept backups: "
                            + backups.stream().map(BackupInfo::id).toList()));
            if (!usable.contains(chosen)) {
                throw new ClusterException("Backup " + chosen.id() + " ends at " + chosen.endTime() + " (LSN " + chosen.stopLsn()
                        + "), after the target " + describe() + "; choose an older backup or a later target.");
            }
            return chosen;
        }
        return usable.stream().max(Comparator.comparing(BackupInfo::endTime)).orElseThrow(() -> new ClusterException(
                "No backup ends before " + describe() + ". A restore can reach " + w.describe() + "."));
    }
}
