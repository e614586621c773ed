package org.pagila.cluster.demo;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** The summary table the demo ends with: the measured times, then what customers and the counter saw in each phase. */
final class DemoSummary {
    private DemoSummary() {
    }

    /** "catalog 120 ok, 0 errors; rentals 3 ok, 14 paused" for requests in [from, to). */
    static String tally(List<DemoLoad.Request> requests, long from, long to) {
        List<DemoLoad.Request> in = requests.stream().filter(r -> r.at() >= from && r.at() < to).toList();
        long readsOk = count(in, DemoLoad.Kind.READ, DemoLoad.Outcome.OK);
        long readErrors = in.stream().filter(r -> r.kind() == DemoLoad.Kind.READ && r.outcome() != DemoLoad.Outcome.OK).count();
        return String.format(Locale.ROOT, "catalog %d ok, %d errors; rentals %d ok, %d paused (503), %d declined, %d failed or unanswered",
                readsOk, readErrors, count(in, DemoLoad.Kind.RENTAL, DemoLoad.Outcome.OK),
                count(in, DemoLoad.Kind.RENTAL, DemoLoad.Outcome.PAUSED), count(in, DemoLoad.Kind.RENTAL, DemoLoad.Outcome.DECLINED),
                count(in, DemoLoad.Kind.RENTAL, DemoLoad.Outcome.ERROR));
    }

    static long count(List<DemoLoad.Request> requests, DemoLoad.Kind kind, DemoLoad.Outcome outcome) {
        return requests.stream().filter(r -> r.kind() == kind && r.outcome() == outcome).count();
    }

    /** Longest stretch without a successful rental around the crash: how long the counter really waited. */
    static long rentalsPausedMs(DemoScenario.Result result) {
        long crash = result.markers().get(0).at();
        List<Long> ok = result.requests().stream().filter(r -> r.kind() == DemoLoad.Kind.RENTAL && r.outcome() == DemoLoad.Outcome.OK)
                .map(DemoLoad.Request::at).sorted().toList();
        long before = ok.stream().filter(t -> t <= crash).reduce((a, b) -> b).orElse(0L);
        long after = ok.stream().filter(t -> t > crash).findFirst().orElse(result.totalMs());
        return after - before;
    }

    static String table(DemoScenario.Result result) {
        StringBuilder out = new StringBuilder();
        String row = "%-34s %s%n";
        out.append(String.format(Locale.ROOT, row, "STEP", "MEASURED"));
        out.append(String.format(Locale.ROOT, row, "crash " + result.oldPrimary() + " -> read-only", result.readOnlyAfterMs() + " ms"));
        out.append(String.format(Locale.ROOT, row, "promote " + result.newPrimary() + " -> writable", result.writableAfterMs() + " ms"));
        out.append(String.format(Locale.ROOT, row, "rejoin " + result.oldPrimary() + " -> streaming", result.streamingAfterMs() + " ms"));
        out.append(String.format(Locale.ROOT, row, "rentals paused (no rental succeeded)", rentalsPausedMs(result) + " ms"));
        out.append(String.format(Locale.ROOT, "%n%-14s %7s %7s %9s %7s %9s %8s%n", "PHASE", "READS", "R_ERR", "RENT_OK",
                "PAUSED", "DECLINED", "FAILED"));
        List<long[]> bounds = phaseBounds(result);
        String[] names = {"before", "primary lost", "read-only", "writable", "rejoining", "after"};
        for (int i = 0; i < bounds.size(); i++) {
            long from = bounds.get(i)[0];
            long to = bounds.get(i)[1];
            List<DemoLoad.Request> in = result.requests().stream().filter(r -> r.at() >= from && r.at() < to).toList();
            out.append(String.format(Locale.ROOT, "%-14s %7d %7d %9d %7d %9d %8d%n", names[i],
                    in.stream().filter(r -> r.kind() == DemoLoad.Kind.READ).count(),
                    in.stream().filter(r -> r.kind() == DemoLoad.Kind.READ && r.outcome() != DemoLoad.Outcome.OK).count(),
                    count(in, DemoLoad.Kind.RENTAL, DemoLoad.Outcome.OK), count(in, DemoLoad.Kind.RENTAL, DemoLoad.Outcome.PAUSED),
                    count(in, DemoLoad.Kind.RENTAL, DemoLoad.Outcome.DECLINED), count(in, DemoLoad.Kind.RENTAL, DemoLoad.Outcome.ERROR)));
        }
        Map<String, Long> byNode = result.requests().stream().filter(r -> r.kind() == DemoLoad.Kind.READ && r.outcome() == DemoLoad.Outcome.OK)
                .collect(Collectors.groupingBy(DemoLoad.Request::node, TreeMap::new, Collectors.counting()));
        out.append(String.format(Locale.ROOT, "%ncatalog reads served by node: %s%n", byNode));
        return out.toString();
    }

    /** before | primary lost | read-only | writable | rejoining | after, from the markers in their order. */
    static List<long[]> phaseBounds(DemoScenario.Result result) {
        List<DemoScenario.Marker> m = result.markers();
        long crash = m.get(0).at();
        long readOnly = m.get(1).at();
        long writable = m.get(3).at();
        long rejoin = m.get(4).at();
        long streaming = m.get(5).at();
        return List.of(new long[] {0, crash}, new long[] {crash, readOnly}, new long[] {readOnly, writable},
                new long[] {writable, rejoin}, new long[] {rejoin, streaming}, new long[] {streaming, result.totalMs() + 1});
    }
}
