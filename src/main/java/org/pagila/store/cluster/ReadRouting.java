package org.pagila.store.cluster;

import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.DataSource;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.pagila.cluster.ClusterSettings;
import org.pagila.store.dashboard.ClusterEvent;

/**
 * Where the read pool's new connections go: the standbys that serve reads (the default), or the primary while there
 * is one. An operator sends the catalog's reads to the primary (PUT /api/cluster/reads) while the standbys are rebuilt
 * or suspected, and back; the benchmark compares the two on one store, so both ways run the same warm JIT and only
 * the node differs (k6/bench.sh). Without a primary the reads stay on the standbys whatever the choice: the catalog
 * keeps working in read-only mode. The choice lives in this process; each start begins from pagila.reads.from.
 */
@ApplicationScoped
public class ReadRouting {
    private static final Logger LOG = Logger.getLogger(ReadRouting.class);

    public enum Source {
        STANDBYS, PRIMARY;

        /** "standbys" or "primary", as the API and the configuration spell it. */
        public String spelled() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Optional<Source> parse(String spelled) {
            return Arrays.stream(values()).filter(s -> s.spelled().equals(spelled)).findFirst();
        }
    }

    @ConfigProperty(name = "pagila.reads.from", defaultValue = "standbys")
    String configured;

    @Inject
    ClusterState cluster;

    @Inject
    ClusterSettings settings;

    @Inject
    @DataSource("standby")
    AgroalDataSource readPool;

    @Inject
    @DataSource("standby")
    ReadConnectionTracker connections;

    /** The /cluster page's timeline shows who moved the reads, and when. */
    @Inject
    Event<ClusterEvent> events;

    private volatile Source source = Source.STANDBYS;

    @PostConstruct
    void init() {
        source = Source.parse(configured).orElseThrow(() -> new IllegalArgumentException(
                "pagila.reads.from is \"standbys\" or \"primary\", not \"" + configured + "\""));
    }

    /** The choice. */
    public Source source() {
        return source;
    }

    /** Where new read connections open now: the primary only while it is chosen and there is one. */
    public Source reading() {
        return primaryToReadFrom().isPresent() ? Source.PRIMARY : Source.STANDBYS;
    }

    /**
     * Sets where reads go; a change empties the read pool, so the next reads open connections where they should go.
     * Agroal empties it on its own housekeeping thread, idle connections first and busy ones when returned: on an idle
     * store within milliseconds, on a saturated one sometimes seconds later ({@link #awaitMoved} waits for it). Safe
     * to repeat: the same choice again changes nothing.
     */
    public synchronized void readFrom(Source wanted, String who) {
        if (wanted == source) {
            return;
        }
        LOG.infof("Catalog reads from the %s (was: the %s), set by %s", wanted.spelled(), source.spelled(), who);
        source = wanted;
        readPool.flush(AgroalDataSource.FlushMode.GRACEFUL);
        events.fire(ClusterEvent.now(ClusterEvent.Type.READS, null, who + " sent the catalog's reads to the " + wanted.spelled()));
    }

    /**
     * Waits (up to the bound) until every connection the read pool holds is on the side reads go to now, so that a
     * change's caller knows the next reads are there; true when they are. The pool empties on Agroal's housekeeping
     * thread (idle connections at once, busy ones when returned), which on a saturated store can be seconds behind.
     */
    public boolean awaitMoved(Duration bound) throws InterruptedException {
        long end = System.nanoTime() + bound.toNanos();
        while (!moved()) {
            if (System.nanoTime() - end > 0) {
                LOG.warnf("Reads go to the %s, but after %s the read pool still holds connections on %s", reading().spelled(),
                        bound, connections.openOn());
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    /** Whether no connection of the read pool is on the other side of where reads go now. */
    public boolean moved() {
        return moved(reading(), cluster.view().primary(), connections.openOn());
    }

    /**
     * The decision alone: reading from the primary, every open connection is on it; from the standbys, none is. With
     * no primary known there is no other side (the standbys serve whatever was chosen).
     */
    static boolean moved(Source reading, Optional<String> primary, List<String> openOn) {
        if (primary.isEmpty()) {
            return true;
        }
        return reading == Source.PRIMARY ? openOn.stream().allMatch(primary.get()::equals)
                : openOn.stream().noneMatch(primary.get()::equals);
    }

    /** host:port of the primary a new read connection should open on; empty: the standbys in turn. */
    Optional<String> primaryToReadFrom() {
        return primaryToReadFrom(source, cluster.view(), name -> settings.node(name).hostPort());
    }

    /** The decision alone: the primary only when it is chosen and the store knows one (it is writable). */
    static Optional<String> primaryToReadFrom(Source source, ClusterState.View view, Function<String, String> address) {
        if (source != Source.PRIMARY || view.mode() != ClusterState.Mode.READ_WRITE) {
            return Optional.empty();
        }
        return view.primary().map(address);
    }
}
