package org.pagila.cluster.demo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The demo's timeline as an SVG file: catalog reads per second stacked by the node that served them (failures in
 * red), rentals per second by outcome, the failover's phases shaded and its moments marked. Plain SVG text: no
 * charting library on the JVM side draws stacked per-second bars to SVG without AWT fonts.
 */
final class TimelinePlot {
    private static final int WIDTH = 1100;
    private static final int LEFT = 60;
    private static final int RIGHT = 20;
    private static final int PANEL = 170;
    private static final Map<String, String> NODE_COLOURS = Map.of("primary", "#1f7a3a", "node1", "#3c6fb4", "node2", "#8e5bb5",
            "node3", "#c97c1a", "-", "#888888");

    private record Series(String label, String colour, Predicate<DemoLoad.Request> matches) {
    }

    private TimelinePlot() {
    }

    static String svg(DemoScenario.Result result) {
        int seconds = (int) (result.totalMs() / 1000) + 1;
        double xScale = (WIDTH - LEFT - RIGHT) / (double) seconds;
        Map<String, Series> reads = new LinkedHashMap<>();
        for (String node : List.of("primary", "node1", "node2", "node3", "-")) {
            reads.put(node, new Series(node.equals("-") ? "no node" : node, NODE_COLOURS.get(node),
                    r -> r.kind() == DemoLoad.Kind.READ && r.outcome() == DemoLoad.Outcome.OK && r.node().equals(node)));
        }
        reads.put("err", new Series("failed or no answer", "#d62728", r -> r.kind() == DemoLoad.Kind.READ && r.outcome() != DemoLoad.Outcome.OK));
        Map<String, Series> rentals = new LinkedHashMap<>();
        rentals.put("ok", new Series("rented/returned", "#1f7a3a", r -> r.kind() == DemoLoad.Kind.RENTAL && r.outcome() == DemoLoad.Outcome.OK));
        rentals.put("paused", new Series("paused (503)", "#e2a21c", r -> r.kind() == DemoLoad.Kind.RENTAL && r.outcome() == DemoLoad.Outcome.PAUSED));
        rentals.put("declined", new Series("declined (4xx)", "#9aa3b2", r -> r.kind() == DemoLoad.Kind.RENTAL && r.outcome() == DemoLoad.Outcome.DECLINED));
        rentals.put("failed", new Series("failed or no answer (5 s)", "#d62728", r -> r.kind() == DemoLoad.Kind.RENTAL && r.outcome() == DemoLoad.Outcome.ERROR));

        int top1 = 60;
        int top2 = top1 + PANEL + 70;
        int height = top2 + PANEL + 60;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                + "font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, height, WIDTH, height));
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>%n", WIDTH, height));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"24\" font-size=\"17\" font-weight=\"bold\">Failover demo: %s crashed, "
                + "%s promoted, %s rejoined</text>%n", LEFT, result.oldPrimary(), result.newPrimary(), result.oldPrimary()));
        for (DemoScenario.Phase phase : result.phases()) {
            double x = LEFT + phase.from() / 1000.0 * xScale;
            double w = Math.max(2, (phase.to() - phase.from()) / 1000.0 * xScale);
            svg.append(String.format(Locale.ROOT, "<rect class=\"phase\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>%n",
                    x, top1, w, top2 + PANEL - top1, phase.colour()));
            if (w > phase.label().length() * 7) { // a label wider than its stretch would run into the next one
                svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-style=\"italic\">%s</text>%n", x + 3, top1 + 14,
                        escape(phase.label())));
            }
        }
        panel(svg, result, reads, top1, xScale, seconds, "catalog requests per second, by serving node");
        panel(svg, result, rentals, top2, xScale, seconds, "counter rentals per second, by outcome");
        int labelRow = 0;
        for (DemoScenario.Marker marker : result.markers()) {
            double x = LEFT + marker.at() / 1000.0 * xScale;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#1d2330\" stroke-dasharray=\"4 3\"/>%n",
                    x, top1 - 8, x, top2 + PANEL));
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\">%s %.1fs</text>%n", x + 2,
                    top1 - 10 - (labelRow++ % 2) * 12, escape(marker.label()), marker.at() / 1000.0));
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">seconds since the demo started</text>%n", WIDTH / 2 - 90, height - 12));
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static void panel(StringBuilder svg, DemoScenario.Result result, Map<String, Series> series, int top, double xScale,
                              int seconds, String title) {
        int[][] counts = new int[series.size()][seconds];
        int s = 0;
        for (Series one : series.values()) {
            for (DemoLoad.Request r : result.requests()) {
                if (one.matches().test(r)) {
                    counts[s][(int) Math.min(seconds - 1, r.at() / 1000)]++;
                }
            }
            s++;
        }
        int max = 1;
        for (int t = 0; t < seconds; t++) {
            int sum = 0;
            for (int[] row : counts) {
                sum += row[t];
            }
            max = Math.max(max, sum);
        }
        double yScale = PANEL / (double) max;
        int bottom = top + PANEL;
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-weight=\"bold\">%s</text>%n", LEFT, bottom + 34, escape(title)));
        for (int t = 0; t < seconds; t++) {
            double y = bottom;
            s = 0;
            for (Series one : series.values()) {
                int n = counts[s++][t];
                if (n > 0) {
                    y -= n * yScale;
                    svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%ds: %d %s</title></rect>%n",
                            LEFT + t * xScale + 0.5, y, Math.max(1, xScale - 1), n * yScale, one.colour(), t, n, escape(one.label())));
                }
            }
        }
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#1d2330\"/>%n", LEFT, bottom, WIDTH - RIGHT, bottom));
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#1d2330\"/>%n", LEFT, top, LEFT, bottom));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%d/s</text>%n", LEFT - 4, top + 10, max));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">0</text>%n", LEFT - 4, bottom));
        int step = seconds > 120 ? 20 : seconds > 50 ? 10 : 5;
        for (int t = 0; t <= seconds; t += step) {
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>%n", LEFT + t * xScale, bottom + 15, t));
        }
        int x = LEFT + 420;
        for (Series one : series.values()) {
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"11\" height=\"11\" fill=\"%s\"/><text x=\"%d\" y=\"%d\">%s</text>%n",
                    x, bottom + 24, one.colour(), x + 15, bottom + 34, escape(one.label())));
            x += 28 + one.label().length() * 7;
        }
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
