package org.pagila.cluster.backup;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which files of the nodes' own WAL archives to bring into this machine's archive: decisions only, no I/O.
 * Only what a restore reads (complete segments and timeline history files); only names this archive lacks (what
 * it has is never replaced: the archive script's rule); each name once, from the first node that has it. History
 * files go first: the archive script keeps the first copy of a segment that a later timeline forked from only when
 * it sees that later timeline's history file, so the history must be here before such a segment arrives.
 */
final class CollectPlan {
    /** One file to copy: from which node, and its size there (for the progress lines). */
    record Fetch(String node, String name, long size) {
    }

    /** A node's archive as listed there: file name to size in bytes. */
    record Listing(String node, Map<String, Long> files) {
    }

    /**
     * @param fetches  in the order to copy them: every history file (by timeline), then the segments (by name: timeline, position)
     * @param ignored  per node, the names that are not for a restore (partial segments, backup labels, anything else)
     */
    record Plan(List<Fetch> fetches, Map<String, List<String>> ignored) {
        List<Fetch> from(String node) {
            return fetches.stream().filter(f -> f.node().equals(node)).toList();
        }
    }

    private CollectPlan() {
    }

    static Plan plan(List<Listing> listings, Set<String> here) {
        Set<String> taken = new HashSet<>(here);
        List<Fetch> fetches = new ArrayList<>();
        Map<String, List<String>> ignored = new LinkedHashMap<>();
        for (Listing listing : listings) {
            List<String> skipped = new ArrayList<>();
            listing.files().keySet().stream().sorted().forEach(name -> {
                if (!wanted(name)) {
                    skipped.add(name);
                } else if (taken.add(name)) {
                    fetches.add(new Fetch(listing.node(), name, listing.files().get(name)));
                }
            });
            ignored.put(listing.node(), List.copyOf(skipped));
        }
        fetches.sort(Comparator.comparing((Fetch f) -> !WalNames.isHistory(f.name())).thenComparing(Fetch::name));
        return new Plan(List.copyOf(fetches), ignored);
    }

    /**
     * What a restore's restore_command asks for: complete segments and history files. A ".partial" segment (the
     * promoted node's copy of the old timeline's last segment) and ".backup" labels are never read by a restore;
     * hidden files are an archive script's copies in progress.
     */
    static boolean wanted(String name) {
        return WalNames.isFullSegment(name) || WalNames.isHistory(name);
    }

    /** Parses `find -printf '%f\t%s\n'` output; lines that are not NAME TAB SIZE are skipped. */
    static Map<String, Long> parseListing(String output) {
        Map<String, Long> files = new LinkedHashMap<>();
        for (String line : output.split("\n")) {
            int tab = line.indexOf('\t');
            if (tab > 0 && line.substring(tab + 1).strip().matches("\\d+")) {
                files.put(line.substring(0, tab), Long.parseLong(line.substring(tab + 1).strip()));
            }
        }
        return files;
    }
}
