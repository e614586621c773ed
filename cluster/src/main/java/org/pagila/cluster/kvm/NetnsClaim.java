package org.pagila.cluster.kvm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.pagila.cluster.ClusterException;

/**
 * Who made a network namespace: a marker file (under /run, so a reboot forgets it with the namespaces) naming the
 * process that created it and when that process started. A namespace whose maker is gone was left by a run that was
 * killed (its VMs may still be burning CPU in it): it is ours to clear. A namespace with a live maker, or one no run
 * of ours made, is never touched.
 */
record NetnsClaim(long pid, Instant processStart) {
    static final Path MARKERS = Path.of("/run/pagila-netns");
    private static final Duration SAME_START = Duration.ofSeconds(3);

    enum Verdict {
        /** no such namespace: make it */
        FREE,
        /** made by a run of ours whose process is gone: clear it, then make it */
        LEFT_BY_A_DEAD_RUN,
        /** made by a run of ours that is still running */
        IN_USE,
        /** not made by us */
        FOREIGN
    }

    /** This process, as a marker names it. */
    static NetnsClaim ofThisProcess() {
        return of(ProcessHandle.current());
    }

    static NetnsClaim of(ProcessHandle process) {
        return new NetnsClaim(process.pid(), process.info().startInstant().orElse(Instant.EPOCH));
    }

    /** The decision, from what exists; alive is asked only of a marker's process. */
    static Verdict judge(boolean namespaceExists, Optional<NetnsClaim> marker) {
        if (!namespaceExists) {
            return Verdict.FREE;
        }
        return marker.map(claim -> claim.isAlive() ? Verdict.IN_USE : Verdict.LEFT_BY_A_DEAD_RUN).orElse(Verdict.FOREIGN);
    }

    /**
     * The same process id and start time: a recycled id of another process does not count. Within a few seconds: another
     * JVM derives the start from the boot time in /proc/stat, which may read a second apart.
     */
    boolean isAlive() {
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).map(NetnsClaim::of)
                .filter(live -> Duration.between(live.processStart, processStart).abs().compareTo(SAME_START) <= 0).isPresent();
    }

    static Optional<NetnsClaim> read(String namespace) {
        Path file = marker(namespace);
        try {
            String[] parts = Files.readString(file).strip().split(" ");
            return Optional.of(new NetnsClaim(Long.parseLong(parts[0]), Instant.parse(parts[1])));
        } catch (IOException | RuntimeException missingOrGarbled) {
            return Optional.empty();
        }
    }

    void write(String namespace) {
        try {
            Files.createDirectories(MARKERS);
            Files.writeString(marker(namespace), pid + " " + processStart + "\n");
        } catch (IOException e) {
            throw new ClusterException("Cannot write " + marker(namespace) + ": " + e.getMessage(), e);
        }
    }

    static void forget(String namespace) {
        try {
            Files.deleteIfExists(marker(namespace));
        } catch (IOException e) {
            // a stale marker only matters with its namespace, which is gone too
        }
    }

    static Path marker(String namespace) {
        return MARKERS.resolve(namespace + ".owner");
    }
}
