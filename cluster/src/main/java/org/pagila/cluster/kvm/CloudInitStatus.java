package org.pagila.cluster.kvm;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads cloud-init's own records of a boot (/run/cloud-init/status.json and result.json, JSON written by cloud-init)
 * without starting cloud-init's Python: under emulation that start alone costs tens of seconds.
 */
final class CloudInitStatus {
    /** The network stage ("init") with its finish time: {"init": {"errors": [...], "finished": 1795670862.6, ...}}. */
    private static final Pattern INIT_STAGE = Pattern.compile("\"init\"\\s*:\\s*\\{([^}]*)}");
    private static final Pattern FINISHED = Pattern.compile("\"finished\"\\s*:\\s*[0-9]");
    private static final Pattern ERRORS = Pattern.compile("\"errors\"\\s*:\\s*\\[\\s*([^]]*)]");

    private CloudInitStatus() {
    }

    static boolean initStageFinished(String statusJson) {
        Matcher init = INIT_STAGE.matcher(statusJson);
        return init.find() && FINISHED.matcher(init.group(1)).find();
    }

    /** Every "errors" list in the record is empty (and there is at least one). */
    static boolean withoutErrors(String json) {
        Matcher errors = ERRORS.matcher(json);
        boolean any = false;
        while (errors.find()) {
            if (!errors.group(1).isBlank()) {
                return false;
            }
            any = true;
        }
        return any;
    }
}
