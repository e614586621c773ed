package org.pagila.store.cluster;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Named;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.pagila.cluster.ha.HaSettings;
import org.pagila.cluster.ha.PatroniRest;

/**
 * Under the Patroni profile (pagila.cluster.ha=true): Patroni's own view (leader, synchronous standby, mode), read from
 * the members' REST APIs for /api/cluster and the page footer. Display only: the store's routing decisions stay with
 * ClusterState, which asks PostgreSQL itself, so the store follows exactly what Patroni did to the nodes.
 */
@ApplicationScoped
@Named("patroni")
public class PatroniWatch {
    @ConfigProperty(name = "pagila.cluster.ha", defaultValue = "false")
    boolean enabled;

    @ConfigProperty(name = "pagila.cluster.poll-interval", defaultValue = "1s")
    Duration pollInterval;

    private volatile Optional<PatroniRest.View> view = Optional.empty();
    private ScheduledExecutorService poller;

    void start(@Observes StartupEvent event) {
        if (!enabled) {
            return;
        }
        var config = ConfigProvider.getConfig();
        // reads need no REST password: only changes (switchover, PATCH /config) do, and the store makes none
        PatroniRest rest = new PatroniRest(HaSettings.from(key -> config.getOptionalValue(key, String.class)
                .filter(v -> !v.isBlank())), "");
        poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "patroni-watch");
            thread.setDaemon(true);
            return thread;
        });
        poller.scheduleWithFixedDelay(() -> view = rest.view(), 0, pollInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        if (poller != null) {
            poller.shutdownNow();
        }
    }

    public boolean isEnabled() {
        return enabled;
    }

    public Optional<PatroniRest.View> view() {
        return view;
    }

    /** For the footer: "sync standby node3", "async", or "Patroni unreachable". */
    public String syncLabel() {
        return view.map(v -> v.syncStandbys().isEmpty() ? "sync " + v.syncMode() + ", no synchronous standby"
                        : "synchronous standby " + String.join(", ", v.syncStandbys()))
                .orElse("Patroni not answering");
    }

    public String leaderLabel() {
        return view.flatMap(PatroniRest.View::leader).map(PatroniRest.Member::name).orElse("no leader");
    }
}
