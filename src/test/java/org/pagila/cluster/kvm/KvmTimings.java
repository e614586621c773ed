package org.pagila.cluster.kvm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What KvmTopologyIT measures, in the order measured: printed at the end and kept in target/kvm-measured.txt. */
final class KvmTimings {
    private static final Pattern BOOT = Pattern.compile("(primary|node\\d) is up: SSH (\\d+) s after its start, cloud-init done (\\d+) s");

    private final Map<String, String> measured = new LinkedHashMap<>();

    void put(String what, String value) {
        measured.put(what, value);
    }

    void recordBootTimes(String applyOutput) {
        Matcher m = BOOT.matcher(applyOutput);
        int last = 0;
        while (m.find()) {
            measured.put("boot " + m.group(1) + ": to SSH / cloud-init done", m.group(2) + " s / " + m.group(3) + " s");
            last = Math.max(last, Integer.parseInt(m.group(3)));
        }
        measured.put("boot all 4 VMs (started together, last one done)", last + " s");
    }

    void report() {
        StringBuilder out = new StringBuilder("\n[kvm] measured (2 shared cores; timings vary with the machine's load):\n");
        measured.forEach((what, value) -> out.append(String.format(Locale.ROOT, "[kvm]   %-62s %s%n", what, value)));
        System.out.println(out);
        try {
            Files.createDirectories(Path.of("target"));
            Files.writeString(Path.of("target/kvm-measured.txt"), out.toString());
        } catch (IOException e) {
            // the printed report stands
        }
    }

    static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.0f s", d.toMillis() / 1000.0);
    }
}
