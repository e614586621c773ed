package org.pagila.store.dashboard;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.jboss.logging.Logger;

/** The recent events shown on /cluster, newest last; every event is also logged. */
@ApplicationScoped
public class ClusterEvents {
    private static final Logger LOG = Logger.getLogger(ClusterEvents.class);
    static final int KEPT = 200;

    private final Deque<ClusterEvent> recent = new ArrayDeque<>();

    /** Events fired by other features arrive here too. */
    void onEvent(@Observes ClusterEvent event) {
        publish(event);
    }

    public synchronized void publish(ClusterEvent event) {
        LOG.infof("Cluster event %s%s: %s", event.type(), event.node() == null ? "" : " [" + event.node() + "]", event.message());
        recent.addLast(event);
        while (recent.size() > KEPT) {
            recent.removeFirst();
        }
    }

    public synchronized List<ClusterEvent> recent() {
        return new ArrayList<>(recent);
    }
}
