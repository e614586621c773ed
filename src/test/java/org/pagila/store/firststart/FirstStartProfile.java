package org.pagila.store.firststart;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A first start as a new user makes it: a cluster that does not exist yet, the Pagila files bundled with the project
 * (PAGILA_DIR cleared: a blank pagila.dir means "not set" to the store's cluster settings), and the whole console
 * of the start kept in a transcript.
 */
public class FirstStartProfile implements QuarkusTestProfile {
    static final String HOSTS = Optional.ofNullable(System.getenv("PAGILA_TEST_FIRST_START_HOSTS"))
            .orElse("127.0.0.1:22432,127.0.0.1:22433,127.0.0.1:22434,127.0.0.1:22435");

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "pagila.cluster.name", "first-start-" + HOSTS.replaceAll("^.*?:(\\d+),.*$", "$1"),
                "pagila.cluster.hosts", HOSTS,
                "pagila.cluster.recreate", "true",
                "pagila.dir", "",
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
