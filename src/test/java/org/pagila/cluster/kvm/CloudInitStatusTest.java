package org.pagila.cluster.kvm;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** On status.json as a Debian VM of KvmTopologyIT wrote it (cloud-init 22.4). */
class CloudInitStatusTest {
    private static final String DONE = """
            {
             "v1": {
              "datasource": "DataSourceNoCloud [seed=/dev/vdb][dsmode=net]",
              "init": {
               "errors": [],
               "finished": 1795670862.6131318,
               "start": 1795670849.491157
              },
              "init-local": {
               "errors": [],
               "finished": 1795670827.8273728,
               "start": 1795670805.315372
              },
              "modules-config": {
               "errors": [],
               "finished": null,
               "start": null
              },
              "modules-init": {
               "errors": [],
               "finished": null,
               "start": null
              },
              "stage": null
             }
            }
            """;

    @Test
    void theNetworkStageHasFinishedWithoutErrors() {
        assertTrue(CloudInitStatus.initStageFinished(DONE));
        assertTrue(CloudInitStatus.withoutErrors(DONE));
    }

    @Test
    void whileTheNetworkStageRunsItIsNotFinishedEvenIfTheLocalStageIs() {
        String running = DONE.replace("\"finished\": 1795670862.6131318", "\"finished\": null");
        assertFalse(CloudInitStatus.initStageFinished(running));
        assertFalse(CloudInitStatus.initStageFinished("{\"v1\": {\"init-local\": {\"errors\": [], \"finished\": 17.5}}}"),
                "init-local is not init");
    }

    @Test
    void anErrorInAnyStageIsAnError() {
        String failed = DONE.replace("\"init-local\": {\n   \"errors\": []", "\"init-local\": {\n   \"errors\": [\"('ssh', KeyError('x'))\"]");
        assertTrue(CloudInitStatus.initStageFinished(failed));
        assertFalse(CloudInitStatus.withoutErrors(failed), failed);
        assertFalse(CloudInitStatus.withoutErrors("{}"), "no record is no proof");
        assertTrue(CloudInitStatus.withoutErrors("{\"v1\": {\"datasource\": \"x\", \"errors\": []}}"), "result.json");
    }
}
