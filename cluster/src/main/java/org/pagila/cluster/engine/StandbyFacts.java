package org.pagila.cluster.engine;

import java.util.regex.Pattern;

/**
 * What decides whether a node is already a standby of the primary, so that bring-up neither clones it again nor
 * starts a stale copy: running in recovery, or stopped with standby.signal; and either way configured to stream
 * from this primary (its primary_conninfo names the primary's host and port). A fenced node never counts.
 */
public record StandbyFacts(boolean initialized, boolean running, boolean inRecovery, boolean standbySignal, boolean fenced,
                           String primaryConninfo) {

    public boolean isStandbyOf(String primaryHost, int primaryPort) {
        if (!initialized || fenced) {
            return false;
        }
        boolean standby = running ? inRecovery : standbySignal;
        return standby && names(primaryConninfo, "host", primaryHost) && names(primaryConninfo, "port", String.valueOf(primaryPort));
    }

    /**
     * A running standby of this primary that streams from it: `rejoin` has nothing to mend, and re-cloning it would
     * only take it out of service. A broken standby (configured, not streaming) or a stopped one is rejoined.
     */
    public boolean isHealthyStandbyOf(String primaryHost, int primaryPort, boolean streaming) {
        return running && streaming && isStandbyOf(primaryHost, primaryPort);
    }

    private static boolean names(String conninfo, String key, String value) {
        return conninfo != null && Pattern.compile("(^|[\\s'])" + key + "=" + Pattern.quote(value) + "($|[\\s'])").matcher(conninfo).find();
    }
}
