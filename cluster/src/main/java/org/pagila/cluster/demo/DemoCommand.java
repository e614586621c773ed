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
import java.util.function.Function;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.ClusterSettings;
import org.pagila.cluster.Secrets;
import org.pagila.cluster.StaffPasswords;

/**
 * `cluster/pagila-cluster demo`: the scripted classroom failover against a running store, narrated on the console,
 * ending with a timeline plot (SVG) and a summary table.
 */
public final class DemoCommand {
    static final String USAGE = """
            usage: cluster/pagila-cluster demo [--store URL] [--staff NAME] [--fault embedded] [--hold SECONDS]
                                               [--browsers N] [--out DIR]
              --store URL     the running store (default http://localhost:8080)
              --staff NAME    the counter's staff login for the rentals (default Mike; password from the secrets
                              file, or PAGILA_STAFF_PASSWORD)
              --fault NAME    how nodes are crashed and mended: embedded (default; this machine's cluster)
              --hold SECONDS  how long each phase is left running for the class to watch (default 5)
              --browsers N    customers browsing at once (default 3)
              --out DIR       where the plot and summary go (default target/demo)
            """;

    /** The fault profiles by name: `up --ha` adds its own here. */
    static final Map<String, Function<ClusterSettings, FaultInjector>> FAULTS = Map.of("embedded", EmbeddedFaults::new);

    /** What `demo` wrote, for callers (and tests). */
    public record Report(Path plot, Path summary, String table, long readOnlyAfterMs, long writableAfterMs,
                         long streamingAfterMs, long catalogRequests, long catalogErrors, long rentalsOk, long rentalsPaused) {
    }

    private DemoCommand() {
    }

    public static int run(List<String> args, ClusterSettings settings, PrintStream out) {
        Map<String, String> options = new java.util.HashMap<>(Map.of("--store", "http://localhost:8080", "--staff", "Mike",
                "--fault", "embedded", "--hold", "5", "--browsers", "3", "--out", "target/demo"));
        if (args.contains("--help")) {
            out.print(USAGE);
            return 0;
        }
        for (int i = 0; i < args.size(); i++) {
            if (!options.containsKey(args.get(i)) || i + 1 == args.size()) {
                System.err.print("unknown or incomplete option: " + args.get(i) + "\n" + USAGE);
                return 2;
            }
            options.put(args.get(i), args.get(++i));
        }
        try {
            run(URI.create(options.get("--store")), options.get("--staff"), options.get("--fault"),
                    Duration.ofSeconds(Long.parseLong(options.get("--hold"))), Integer.parseInt(options.get("--browsers")),
                    Path.of(options.get("--out")), settings, out);
            return 0;
        } catch (NumberFormatException e) {
            System.err.print("--hold and --browsers take whole numbers\n" + USAGE);
            return 2;
        }
    }

    public static Report run(URI store, String staff, String fault, Duration hold, int browsers, Path outDir,
                             ClusterSettings settings, PrintStream out) {
        Function<ClusterSettings, FaultInjector> faults = Optional.ofNullable(FAULTS.get(fault))
                .orElseThrow(() -> new ClusterException("Unknown fault profile '" + fault + "'; known: " + FAULTS.keySet()));
        StoreClient client = new StoreClient(store, staff, staffPassword(settings, staff));
        if (client.cluster().isEmpty()) {
            throw new ClusterException("No store answers at " + store + "/api/cluster. Start it first, e.g. "
                    + "`./mvnw -DskipTests package quarkus:run` (http://localhost:8080) in another terminal, "
                    + "or pass --store URL.");
        }
        DemoScenario.Result result = new DemoScenario(client, faults.apply(settings), out, hold, Duration.ofSeconds(90)).run(browsers);
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
