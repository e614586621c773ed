package org.pagila.cluster.backup;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.Progress;
import org.pagila.cluster.engine.Node;
import org.pagila.cluster.transport.LocalTransport;
import org.pagila.cluster.transport.ServiceUser;
import org.pagila.cluster.transport.Shell;

/**
 * `archive-collect`: where each node keeps its own WAL archive (VMs: every machine archives to the same path on its
 * own disk), the segments and timeline history files this machine's archive lacks are copied here, so a backup's end
 * and a restore past a promotion find the promoted node's timeline. Files are read with tar on the node through its
 * transport (as the backups read data folders), and each is published by the archive's own script, the one rule for
 * every archive: never overwrite, the same bytes are fine, and of a segment a later timeline forked from the first
 * copy is kept. A node that cannot be reached is reported and skipped. Where every node writes one shared folder
 * (the embedded and the Patroni clusters) there is nothing to collect, and it says so.
 */
public final class ArchiveCollect {
    /** Names per tar run: keeps the command line short over SSH. */
    private static final int BATCH = 64;

    private final BackupSettings settings;
    private final Progress progress;
    private final Optional<BackupCluster.LocalArchives> local;
    /** False when the caller could not learn the cluster's nodes (and said so): then no line about a shared folder. */
    private final boolean known;

    public ArchiveCollect(BackupCluster cluster, BackupSettings settings, Progress progress) {
        this(cluster.localArchives(), settings, progress, true);
    }

    ArchiveCollect(Optional<BackupCluster.LocalArchives> local, BackupSettings settings, Progress progress, boolean known) {
        this.settings = settings;
        this.progress = progress;
        this.local = local;
        this.known = known;
    }

    /** For a cluster whose nodes cannot be listed (a restore with the cluster gone): the archive here is used as it is. */
    public static ArchiveCollect none(BackupSettings settings, Progress progress) {
        return new ArchiveCollect(Optional.empty(), settings, progress, false);
    }

    /** What one node gave: files copied and their bytes, copies the archive kept instead, files it refused. */
    public record NodeResult(String node, int copied, long bytes, int kept, List<String> refused, Optional<String> unreachable) {
    }

    public record Report(boolean shared, List<NodeResult> nodes) {
        public int copied() {
            return nodes.stream().mapToInt(NodeResult::copied).sum();
        }

        public long bytes() {
            return nodes.stream().mapToLong(NodeResult::bytes).sum();
        }

        public List<String> unreachable() {
            return nodes.stream().filter(n -> n.unreachable().isPresent()).map(NodeResult::node).toList();
        }

        public List<String> refused() {
            return nodes.stream().flatMap(n -> n.refused().stream()).toList();
        }
    }

    public boolean collects() {
        return local.isPresent();
    }

    /** As a numbered step with a line per node; where the folder is shared, one line saying so. */
    public Report collect() {
        if (local.isEmpty()) {
            if (known) {
                progress.info("WAL archive: every node writes the one folder " + settings.archiveDir() + ", nothing to collect");
            }
            return new Report(true, List.of());
        }
        progress.step("collect the nodes' own WAL archives (" + local.get().dir() + ") into " + settings.archiveDir());
        Report report = run(true);
        progress.detail(String.format("collected %d file(s), %s from %d of %d node(s)%s%s", report.copied(),
                BackupCatalog.megabytes(report.bytes()), report.nodes().size() - report.unreachable().size(), report.nodes().size(),
                report.unreachable().isEmpty() ? "" : "; not reachable: " + String.join(", ", report.unreachable()),
                report.refused().isEmpty() ? "" : "; REFUSED by the archive script (a different copy here, or it cannot write): " + report.refused()));
        return report;
    }

    /**
     * Waits until a segment is in the archive here. Where the nodes archive locally, each round collects first (lines
     * only for what it copied), so the wait ends as soon as any node has archived the segment.
     */
    public boolean awaitArchived(String segment, Duration timeout) {
        WalArchive archive = new WalArchive(settings);
        if (local.isEmpty()) {
            return archive.awaitArchived(segment, timeout);
        }
        // has() first: a segment already here costs no round of listings
        return archive.has(segment) || archive.awaitArchived(segment, timeout, Duration.ofSeconds(1), () -> run(false));
    }

    /**
     * Retention on the nodes' own archives: the WAL files retention pruned here are older than the oldest kept backup
     * and no restore needs them, so each reachable node deletes its copies too (else every machine's archive grows
     * until its disk is full). History files stay, as here.
     */
    public void prune(Retention.Plan kept) {
        if (local.isEmpty() || kept.oldestNeededWal().isEmpty()) {
            return;
        }
        BackupCluster.LocalArchives nodes = local.get();
        List<BackupInfo> backups = new BackupCatalog(settings).list();
        for (Node node : nodes.nodes()) {
            Shell.Result list = list(node, nodes.dir());
            if (list.exitCode() != 0) {
                continue; // reported by the collection; pruned at a later backup
            }
            List<String> old = Retention.plan(backups, settings.keep(), List.copyOf(CollectPlan.parseListing(list.output()).keySet()))
                    .deleteWal();
            int pruned = 0;
            for (int i = 0; i < old.size(); i += BATCH) {
                List<String> batch = old.subList(i, Math.min(old.size(), i + BATCH));
                List<String> command = new ArrayList<>(List.of("sh", "-c", "cd \"$1\" && shift && rm -f -- \"$@\"", "prune-archive", nodes.dir()));
                command.addAll(batch);
                Shell.Result rm = node.transport().exec(command);
                if (rm.exitCode() != 0) {
                    progress.detail("retention: " + node.name() + ": cannot prune its own archive: " + firstLine(rm.output()));
                    break;
                }
                pruned += batch.size();
            }
            if (pruned > 0) {
                progress.detail("retention: pruned " + pruned + " WAL files older than " + kept.oldestNeededWal().get() + " on "
                        + node.name() + "'s own archive");
            }
        }
    }

    /** The node's archive as `find` lists it; a transport that fails (timeout, no such container) as a failed result. */
    private static Shell.Result list(Node node, String dir) {
        try {
            return node.transport().exec(List.of("sh", "-c", "cd \"$1\" && find . -maxdepth 1 -type f -printf '%f\\t%s\\n'",
                    "list-archive", dir));
        } catch (ClusterException e) {
            return new Shell.Result(-1, e.getMessage());
        }
    }

    private Report run(boolean verbose) {
        WalArchive archive = new WalArchive(settings);
        archive.prepare();
        BackupCluster.LocalArchives nodes = local.orElseThrow();
        List<CollectPlan.Listing> listings = new ArrayList<>();
        List<NodeResult> unreachable = new ArrayList<>();
        for (Node node : nodes.nodes()) {
            Shell.Result list = list(node, nodes.dir());
            if (list.exitCode() != 0) {
                String why = firstLine(list.output());
                unreachable.add(new NodeResult(node.name(), 0, 0, 0, List.of(), Optional.of(why)));
                if (verbose) {
                    progress.detail(node.name() + " (" + node.transport().describe() + "): not reachable, skipped: " + why);
                }
            } else {
                listings.add(new CollectPlan.Listing(node.name(), CollectPlan.parseListing(list.output())));
            }
        }
        java.util.Set<String> here = new HashSet<>(archive.files());
        CollectPlan.Plan plan = CollectPlan.plan(listings, here);
        Path staging = settings.dir().resolve(".collect-" + ProcessHandle.current().pid());
        List<NodeResult> results = new ArrayList<>();
        try {
            CollectPublisher publisher = new CollectPublisher(settings, staging);
            List<NodeCopy> copies = new ArrayList<>();
            for (CollectPlan.Listing listing : listings) {
                Node node = nodes.nodes().stream().filter(n -> n.name().equals(listing.node())).findFirst().orElseThrow();
                copies.add(new NodeCopy(node, nodes.dir(), publisher, plan.from(node.name())));
            }
            // every node's history files before any segment (see CollectPlan)
            copies.forEach(copy -> copy.run(verbose, true));
            copies.forEach(copy -> copy.run(verbose, false));
            for (int i = 0; i < copies.size(); i++) {
                NodeCopy copy = copies.get(i);
                CollectPlan.Listing listing = listings.get(i);
                Node node = copy.node;
                if (verbose) {
                    copy.report(listing.files().keySet().stream().filter(here::contains).count(), plan.ignored().get(node.name()).size());
                } else if (copy.copied > 0) {
                    progress.detail(String.format("%s: collected %d file(s), %s", node.name(), copy.copied, BackupCatalog.megabytes(copy.bytes)));
                }
                results.add(copy.result());
            }
        } catch (IOException e) {
            throw new ClusterException("Cannot stage collected WAL in " + staging + ": " + e.getMessage(), e);
        } finally {
            try {
                BackupFiles.deleteTree(staging);
            } catch (IOException e) {
                // a leftover hidden staging folder beside the archive is harmless
            }
        }
        results.addAll(unreachable);
        return new Report(false, results);
    }

    /** One node's share of the plan, in two passes: its history files, then (after every node's) its segments. */
    private final class NodeCopy {
        private final Node node;
        private final String dir;
        private final CollectPublisher publisher;
        private final List<CollectPlan.Fetch> fetches;
        private int copied;
        private long bytes;
        private int kept;
        private final List<String> refused = new ArrayList<>();
        private Optional<String> failure = Optional.empty();
        private long lastReport = System.nanoTime();

        NodeCopy(Node node, String dir, CollectPublisher publisher, List<CollectPlan.Fetch> fetches) {
            this.node = node;
            this.dir = dir;
            this.publisher = publisher;
            this.fetches = fetches;
        }

        void run(boolean verbose, boolean history) {
            List<String> all = fetches.stream().map(CollectPlan.Fetch::name).filter(n -> WalNames.isHistory(n) == history).toList();
            for (int i = 0; i < all.size() && failure.isEmpty(); i += BATCH) {
                List<String> names = all.subList(i, Math.min(all.size(), i + BATCH));
                List<String> command = new ArrayList<>(List.of("tar", "-C", dir, "-cf", "-"));
                command.addAll(names);
                Shell.Result result;
                try {
                    result = node.transport().read(command, stdout -> {
                        TarArchiveInputStream in = new TarArchiveInputStream(stdout);
                        TarArchiveEntry entry;
                        while ((entry = in.getNextEntry()) != null) {
                            if (entry.isFile() && CollectPlan.wanted(entry.getName())) {
                                publish(entry.getName(), entry.getSize(), in, verbose);
                            }
                        }
                    });
                } catch (ClusterException e) {
                    // the connection broke while reading (or timed out): what was published stays, the rest waits for the next run
                    result = new Shell.Result(-1, e.getMessage());
                }
                if (result.exitCode() != 0) {
                    failure = Optional.of(firstLine(result.output()));
                }
            }
        }

        private void publish(String name, long expectedSize, java.io.InputStream in, boolean verbose) throws IOException {
            long[] read = new long[1];
            Shell.Result result = publisher.publish(name, expectedSize, in, read);
            long size = read[0];
            if (result.exitCode() != 0) {
                refused.add(name + " (" + node.name() + ": " + firstLine(result.output()) + ")");
            } else if (result.output().contains("keeping the archived one")) {
                kept++;
            } else {
                copied++;
                bytes += size;
            }
            if (verbose && System.nanoTime() - lastReport > 2_000_000_000L) {
                lastReport = System.nanoTime();
                progress.detail(String.format("%s: %d of %d file(s), %s", node.name(), copied + kept + refused.size(), fetches.size(),
                        BackupCatalog.megabytes(bytes)));
            }
        }

        void report(long alreadyHere, int ignored) {
            long history = fetches.stream().filter(f -> WalNames.isHistory(f.name())).count();
            progress.detail(String.format("%s (%s): %d file(s) copied, %s (%d history)%s%s; %d already here%s%s", node.name(),
                    node.transport().describe(), copied, BackupCatalog.megabytes(bytes), history,
                    kept == 0 ? "" : ", " + kept + " kept as first archived (past a timeline fork)",
                    refused.isEmpty() ? "" : ", " + refused.size() + " REFUSED",
                    alreadyHere, ignored == 0 ? "" : ", " + ignored + " not for restores (.partial, .backup)",
                    failure.map(f -> "; reading stopped: " + f).orElse("")));
        }

        NodeResult result() {
            return new NodeResult(node.name(), copied, bytes, kept, List.copyOf(refused), failure);
        }
    }

    private static String firstLine(String output) {
        String text = output.strip();
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl);
    }
}
