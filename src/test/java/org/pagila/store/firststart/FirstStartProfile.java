package org.pagila.store.firststart;

import java.util.List;
import java.util.Map;
import org.pagila.store.cluster.OwnClusterProfile;

/**
 * A first start as a new user makes it: a cluster that does not exist yet, the Pagila files bundled with the project
 * (PAGILA_DIR cleared: a blank pagila.dir means "not set" to the store's cluster settings), and the whole console
 * of the start kept in a transcript.
 */
public class FirstStartProfile extends OwnClusterProfile {
    public FirstStartProfile() {
        super("first-start", "PAGILA_TEST_FIRST_START_HOSTS", 22432);
    }

    @Override
    protected Map<String, String> extraOverrides() {
        return Map.of(
                "pagila.dir", "",
                // The schedule on, looking every second: its first look must wait for the bring-up, never race it.
                "pagila.backup.every", "30m",
                "pagila.backup.check-every", "1s",
                // the page cache as the product has it (the test profile turns it off): PageCacheTest
                "pagila.catalog.page-cache", "1s",
                // The log records (with any stack trace) go to a file as well: the console handler writes past the
                // transcript's copy of System.out.
                "quarkus.log.file.enabled", "true",
                "quarkus.log.file.path", StartTranscript.LOG.toAbsolutePath().toString());
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(StartTranscript.class));
    }
}
