package org.pagila.store.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The page cache's key carries the shared layout's state, so a kept page never shows a banner (or its absence) that is
 * no longer true. The layout's outside values are read from base.html itself: a new one there fails this test until
 * the key covers it too.
 */
class PageCacheKeyTest {
    private static final Path LAYOUT = Path.of("src/main/resources/templates/base.html");

    /** What base.html reads from beans, and where the key covers it. */
    private static final Set<String> IN_THE_KEY = Set.of("clusterState.readOnly", "clusterState.conflict", "patroni.enabled",
            "patroni.leaderLabel", "patroni.syncLabel");
    /** Kept on purpose: the footer of a kept page names the node that served the kept copy's reads, which stays true. */
    private static final Set<String> NOT_IN_THE_KEY = Set.of("servedBy.isEmpty", "servedBy.label");

    @Test
    void everyValueTheLayoutShowsFromOutsideThePageIsInTheKeyOrDeliberatelyNot() throws IOException {
        Matcher injected = Pattern.compile("inject:(\\w+\\.\\w+)").matcher(Files.readString(LAYOUT, StandardCharsets.UTF_8));
        Set<String> read = new TreeSet<>();
        while (injected.find()) {
            read.add(injected.group(1));
        }
        Set<String> known = new TreeSet<>(IN_THE_KEY);
        known.addAll(NOT_IN_THE_KEY);
        assertEquals(known, read, "base.html's outside values: add a new one to PageCache.layoutState and to IN_THE_KEY");
    }

    @Test
    void layoutsThatDifferNeverShareAKey() {
        List<String> states = List.of(
                PageCache.layoutState(false, null, null, null),
                PageCache.layoutState(true, null, null, null),
                PageCache.layoutState(false, "primary and node1 both accept writes", null, null),
                PageCache.layoutState(false, null, "node1", "synchronous standby node2"),
                PageCache.layoutState(false, null, "node2", "synchronous standby node2"),
                PageCache.layoutState(false, null, "node1", "synchronous standby node3"));
        assertEquals(states.size(), new TreeSet<>(states).size(), "distinct layouts, distinct keys: " + states);
        assertEquals(PageCache.layoutState(true, null, "node1", "async"), PageCache.layoutState(true, null, "node1", "async"),
                "the same layout, the same key (else nothing would ever be a hit)");
    }
}
