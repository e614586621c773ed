package org.pagila.cluster.ha;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.Progress;
import org.pagila.cluster.secrets.Secrets;
import org.pagila.cluster.transport.ServiceUser;

/**
 * The four Patroni members as processes: their config files, starting and stopping Patroni, and the faults the demo
 * and the tests cause (a PostgreSQL crash that Patroni repairs in place, a power loss of the whole member).
 */
public final class Members {
    private final HaSettings ha;
    private final Progress progress;

    public Members(HaSettings ha, Progress progress) {
        this.ha = ha;
        this.progress = progress;
    }

    public Daemon patroni(String member) {
        Path dir = ha.memberDir(member);
        return new Daemon("patroni " + member, dir.resolve("patroni.pid"), dir.resolve("patroni.log"));
    }

    public boolean isInitialized(String member) {
        return Files.isRegularFile(ha.dataDir(member).resolve("PG_VERSION"));
    }

    /** Rewritten at every start, so a changed port or password setting reaches Patroni; readable by its user only. */
    public void writeConfig(String member, Secrets secrets) {
        Path file = ha.patroniConfig(member);
        // the archive folder and its script exist before any member's PostgreSQL could archive into them
        new org.pagila.cluster.backup.WalArchive(org.pagila.cluster.backup.BackupSettings.fromSystem(ha.cluster())).prepare();
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, PatroniConfig.of(ha, member, secrets).render());
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new ClusterException("Cannot write " + file + ": " + e.getMessage(), e);
        }
        ServiceUser.own(ha.memberDir(member));
    }

    public void start(String member, Secrets secrets) {
        writeConfig(member, secrets);
        // Patroni finds pg_ctl & co. through bin_dir; PATH only has to reach Debian's python and the shell tools
        patroni(member).start(List.of("/usr/bin/patroni", ha.patroniConfig(member).toString()),
                Map.of("PATH", "/usr/bin:/bin", "HOME", ha.memberDir(member).toString()));
    }

    /** A clean stop: Patroni stops PostgreSQL (a leader hands its key back first, so a standby takes over at once). */
    public void stop(String member) {
        patroni(member).stop(Duration.ofSeconds(90));
        postmaster(member).ifPresent(p -> {
            // a PostgreSQL that outlived a killed Patroni would keep the port: stop it the way pg_ctl -m fast would
            p.destroy();
            Daemon.await(p, Duration.ofSeconds(30));
        });
    }

    /** PostgreSQL only (SIGKILL to the postmaster): its Patroni notices within a loop and restarts it in place. */
    public Optional<Long> killPostgres(String member) {
        Optional<ProcessHandle> postmaster = postmaster(member);
        postmaster.ifPresent(ProcessHandle::destroyForcibly);
        return postmaster.map(ProcessHandle::pid);
    }

    /** Power loss: SIGKILL to Patroni, the postmaster and every backend at once. The leader key expires after ttl. */
    public List<Long> crash(String member) {
        List<ProcessHandle> all = new ArrayList<>();
        patroni(member).pid().flatMap(ProcessHandle::of).ifPresent(p -> all.add(p));
        postmaster(member).ifPresent(p -> all.add(p));
        List<ProcessHandle> everything = all.stream().flatMap(p -> Stream.concat(Stream.of(p), p.descendants())).distinct().toList();
        everything.forEach(ProcessHandle::destroyForcibly);
        everything.forEach(p -> Daemon.await(p, Duration.ofSeconds(5)));
        return everything.stream().map(ProcessHandle::pid).toList();
    }

    /** The running postmaster of the member, from its postmaster.pid. */
    public Optional<ProcessHandle> postmaster(String member) {
        Path pidFile = ha.dataDir(member).resolve("postmaster.pid");
        try {
            if (!Files.isRegularFile(pidFile)) {
                return Optional.empty();
            }
            String first = Files.readAllLines(pidFile).stream().findFirst().orElse("").trim();
            return ProcessHandle.of(Long.parseLong(first)).filter(ProcessHandle::isAlive)
                    .filter(p -> p.info().command().map(c -> c.endsWith("postgres")).orElse(true));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Waits until Patroni's view satisfies the condition; shows each change of the members' states as it happens. */
    public PatroniRest.View await(PatroniRest rest, String what, Duration patience, Predicate<PatroniRest.View> condition) {
        Instant deadline = Instant.now().plus(patience);
        String lastShown = "";
        while (true) {
            Optional<PatroniRest.View> view = rest.view();
            if (view.isPresent() && condition.test(view.get())) {
                return view.get();
            }
            String now = view.map(Members::oneLine).orElse("no Patroni answers yet");
            if (!now.equals(lastShown)) {
                progress.detail(now);
                lastShown = now;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new ClusterException("Timed out after " + patience.toSeconds() + " s waiting for " + what
                        + ". Patroni says: " + now + "\nLast lines of " + patroni(ha.members().get(0)).logFile() + ":\n"
                        + patroni(ha.members().get(0)).logTail(10));
            }
            EtcdMembers.sleep(500);
        }
    }

    static String oneLine(PatroniRest.View view) {
        return String.join(", ", view.members().stream().map(m -> m.name() + " " + m.role() + "/" + m.state()).toList());
    }
}
