package org.pagila.cluster.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.ClusterSettings;
import org.pagila.cluster.ha.HaSettings;
import org.pagila.cluster.ha.PatroniCluster;
import org.pagila.cluster.secrets.Secrets;
import org.pagila.cluster.secrets.StaffPasswords;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * `cluster/pagila-cluster demo`: the scripted classroom failover against a running store, narrated on the console,
 * ending with a timeline plot (SVG) and a summary table.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"The classroom failover against a running store, narrated with measured times.",
                "Its own light load, crash the primary, promote, rejoin; ends with a timeline plot (SVG) and a summary table."})
public final class DemoCommand implements Callable<Integer> {
    /** The fault profiles by name; "auto" picks ha for a cluster made by `up --ha`, else embedded. */
    static final Map<String, Function<HaSettings, FaultInjector>> FAULTS = Map.of(
            "embedded", ha -> embedded(ha.cluster()),
            "ha", PatroniFaults::new);

    /** What `demo` wrote, for callers (and tests). */
    public record Report(Path plot, Path summary, String table, long readOnlyAfterMs, long writableAfterMs,
                         long streamingAfterMs, long catalogRequests, long catalogErrors, long rentalsOk, long rentalsPaused) {
    }

    @Option(names = "--store", paramLabel = "URL", defaultValue = "http://localhost:8080", converter = StoreAddress.class,
            description = "the running store (default: ${DEFAULT-VALUE})")
    URI store;

    @Option(names = "--staff", paramLabel = "NAME", defaultValue = "Mike",
            description = "the counter's staff login (default: ${DEFAULT-VALUE}); password from the secrets file or PAGILA_STAFF_PASSWORD")
    String staff;

    @Option(names = "--fault", paramLabel = "NAME", defaultValue = "auto",
            description = {"how nodes are crashed and mended: embedded (this machine's cluster), ha (its Patroni cluster:",
                    "crash a whole member, Patroni promotes), auto (default: ha when the cluster was made by up --ha)"})
    String fault;

    @Option(names = "--hold", paramLabel = "SECONDS", defaultValue = "5",
            description = "how long each phase runs for the class to watch (default: ${DEFAULT-VALUE})")
    long holdSeconds;

    @Option(names = "--browsers", paramLabel = "N", defaultValue = "3", description = "customers browsing at once (default: ${DEFAULT-VALUE})")
    int browsers;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "target/demo", description = "where the plot and summary go (default: ${DEFAULT-VALUE})")
    Path out;

    @Override
    public Integer call() {
        HaSettings ha = HaSettings.fromSystem();
        run(store, staff, faults(fault, ha), Duration.ofSeconds(holdSeconds), browsers, out, ha.cluster(), System.out);
        return 0;
    }

    /** The fault profile by name (embedded, ha, auto) for this cluster. */
    public static FaultInjector faults(String name, HaSettings ha) {
        String chosen = name.equals("auto") ? (PatroniCluster.isPatroniCluster(ha) ? "ha" : "embedded") : name;
        return Optional.ofNullable(FAULTS.get(chosen)).orElseThrow(() -> new ClusterException("Unknown fault profile '"
                + name + "'; known: auto, " + String.join(", ", FAULTS.keySet()))).apply(ha);
    }

    /** This machine's embedded cluster, for callers that hold its settings (tests). */
    public static FaultInjector embedded(ClusterSettings settings) {
        return new EmbeddedFaults(settings);
    }

    public static Report run(URI store, String staff, FaultInjector faults, Duration hold, int browsers, Path outDir,
                             ClusterSettings settings, PrintStream out) {
        // the store first: when nothing answers, how to start it is what the instructor needs to read
        if (new StoreClient(store, staff, "").cluster().isEmpty()) {
            throw new ClusterException("No store answers at " + store + "/api/cluster. Start it first, e.g. "
                    + "`./mvnw -DskipTests package quarkus:run` (http://localhost:8080) in another terminal, "
                    + "or pass --store URL.");
        }
        StoreClient client = new StoreClient(store, staff, staffPassword(settings, staff));
        DemoScenario.Result result = new DemoScenario(client, faults, out, hold, Duration.ofSeconds(90)).run(browsers);
        String table = DemoSummary.table(result);
        try {
            Files.createDirectories(outDir);
            Path plot = outDir.resolve("demo-timeline.svg");
            Files.writeString(plot, TimelinePlot.svg(result));
            Path summary = outDir.resolve("demo-summary.txt");
            Files.writeString(summary, table);
            out.println();
            out.print(table);
            out.printf("%nplot: %s%nsummary: %s%n", plot.toAbsolutePath(), summary.toAbsolutePath());
            List<DemoLoad.Request> requests = result.requests();
            return new Report(plot, summary, table, result.readOnlyAfterMs(), result.writableAfterMs(), result.streamingAfterMs(),
                    requests.stream().filter(r -> r.kind() == DemoLoad.Kind.READ).count(),
                    requests.stream().filter(r -> r.kind() == DemoLoad.Kind.READ && r.outcome() != DemoLoad.Outcome.OK).count(),
                    DemoSummary.count(requests, DemoLoad.Kind.RENTAL, DemoLoad.Outcome.OK),
                    DemoSummary.count(requests, DemoLoad.Kind.RENTAL, DemoLoad.Outcome.PAUSED));
        } catch (IOException e) {
            throw new ClusterException("Cannot write the demo's plot and summary to " + outDir + ": " + e.getMessage(), e);
        }
    }

    private static String staffPassword(ClusterSettings settings, String staff) {
        String fromEnv = System.getenv("PAGILA_STAFF_PASSWORD");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv;
        }
        String key = StaffPasswords.secretsKey(staff);
        if (Files.exists(settings.secretsFile())) {
            String password = Secrets.load(settings.secretsFile()).get(key);
            if (password != null) {
                return password;
            }
        }
        throw new ClusterException("No sign-in password for " + staff + " in " + settings.secretsFile() + ": set one with "
                + "`cluster/pagila-cluster staff-password " + staff + "` or set PAGILA_STAFF_PASSWORD.");
    }
}
