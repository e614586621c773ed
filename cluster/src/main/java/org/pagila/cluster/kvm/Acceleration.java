package org.pagila.cluster.kvm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.transport.Shell;

/**
 * How the VMs run: KVM where this machine can really run a KVM vCPU, else QEMU's software emulation (TCG).
 * Chosen by trying, not by looking: a /dev/kvm can exist and accept a VM yet refuse a vCPU (nested or
 * paravirtual hypervisors), and only starting one tells.
 */
public record Acceleration(Kind kind, String reason) {

    public enum Kind {
        /** Hardware virtualisation: libvirt domain type 'kvm', the host's CPU passed through. */
        KVM("kvm"),
        /** Software emulation: libvirt domain type 'qemu', with a bounded translation cache. */
        TCG("qemu");

        private final String domainType;

        Kind(String domainType) {
            this.domainType = domainType;
        }

        public String domainType() {
            return domainType;
        }
    }

    /**
     * TCG's translation block cache: QEMU's default grows to about 1 GiB per VM; 256 MiB keeps a VM near 720 MB
     * of resident memory at a small cost in speed.
     */
    public static final int TCG_TB_CACHE_MIB = 256;

    private static final String QEMU = "qemu-system-x86_64";

    /** The setting vm.acceleration: auto (probe), kvm or tcg (forced, e.g. to compare the two). */
    public static Acceleration choose(String setting) {
        return switch (setting) {
            case "kvm" -> new Acceleration(Kind.KVM, "vm.acceleration = kvm (forced, not probed)");
            case "tcg" -> new Acceleration(Kind.TCG, "vm.acceleration = tcg (forced, not probed)");
            case "auto" -> decide(Files.exists(Path.of("/dev/kvm")), Files.isReadable(Path.of("/dev/kvm")), probeKvmVcpu());
            default -> throw new ClusterException("vm.acceleration must be auto, kvm or tcg, got '" + setting + "'");
        };
    }

    /** The decision from the facts, apart from gathering them (the probe starts QEMU). */
    static Acceleration decide(boolean devKvmExists, boolean devKvmUsable, Shell.Result probe) {
        if (!devKvmExists) {
            return new Acceleration(Kind.TCG, "no /dev/kvm (no hardware virtualisation here, or the kvm module is not loaded)");
        }
        if (!devKvmUsable) {
            return new Acceleration(Kind.TCG, "/dev/kvm exists but this user cannot open it (add the user to group kvm)");
        }
        if (probe == null) {
            return new Acceleration(Kind.TCG, "/dev/kvm exists but " + QEMU + " is not installed to try it");
        }
        if (probe.exitCode() == 0) {
            return new Acceleration(Kind.KVM, "/dev/kvm works: " + QEMU + " started a KVM vCPU (-accel kvm -cpu host)");
        }
        return new Acceleration(Kind.TCG, "/dev/kvm exists but a KVM vCPU cannot run (nested or paravirtual host): " + QEMU
                + " exited " + probe.exitCode() + ": " + complaint(probe.output()));
    }

    /**
     * Starts a paused QEMU with one KVM vCPU of the host's CPU model (what the domain would use) and quits it from
     * the monitor: creating and resetting the vCPU is where a nested host fails (e.g. "failed to set MSR").
     * Null when QEMU is missing.
     */
    static Shell.Result probeKvmVcpu() {
        if (Shell.exec(List.of("sh", "-c", "command -v " + QEMU)).exitCode() != 0) {
            return null;
        }
        return Shell.exec(List.of("sh", "-c", "echo quit | " + QEMU + " -accel kvm -machine q35 -cpu host -m 64 -nodefaults"
                + " -display none -S -monitor stdio"), Map.of(), 30);
    }

    public String domainType() {
        return kind.domainType();
    }

    /** The domain's CPU and accelerator elements: passthrough under KVM; a bounded translation cache under TCG. */
    public String domainFeaturesXml() {
        return kind == Kind.KVM ? "" : "<tcg><tb-cache unit='MiB'>" + TCG_TB_CACHE_MIB + "</tb-cache></tcg>";
    }

    public String cpuXml() {
        // TCG cannot pass a host CPU through: QEMU's default model is emulated instead.
        return kind == Kind.KVM ? "<cpu mode='host-passthrough'/>" : "";
    }

    /**
     * Extra kernel options for a directly booted guest. Under emulation the speculative-execution mitigations guard
     * against nothing (TCG does not speculate) and cost every system call and context switch; under KVM the guest
     * runs on the real CPU and keeps them.
     */
    public String kernelOptions() {
        return kind == Kind.KVM ? "" : " mitigations=off";
    }

    /** For `kvm plan`: which and why. */
    public String describe() {
        return kind == Kind.KVM ? "KVM (domain type 'kvm', host CPU passed through): " + reason
                : "QEMU software emulation, TCG (domain type 'qemu', translation cache " + TCG_TB_CACHE_MIB + " MiB): " + reason;
    }

    /** QEMU's own complaint, without the monitor's prompt and terminal escapes around it. */
    static String complaint(String output) {
        List<String> lines = output.replaceAll("\\u001B\\[[0-9;]*[A-Za-z]", "").lines()
                .map(line -> line.contains("(qemu)") ? line.substring(line.lastIndexOf("(qemu)") + "(qemu)".length()) : line)
                .map(String::strip).filter(line -> !line.isEmpty() && !line.startsWith("QEMU ")).toList();
        return lines.stream().filter(line -> line.contains("error")).findFirst()
                .orElse(lines.isEmpty() ? "(no output)" : lines.get(lines.size() - 1));
    }
}
