package org.pagila.cluster.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.transport.Shell;

/**
 * The decisions behind booting the VMs, without booting one: which acceleration from which facts, the Debian
 * image's cache key, and the domain XML for TCG, direct kernel boot and a bridge, checked by libvirt's schema.
 */
class KvmBootChoicesTest {
    private static final String KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHhNJ2gJwQDGc0ZD2h3YqkA9QlVh3gm5oE7YQe2cB0v6 pagila-kvm";
    private static final Acceleration TCG = new Acceleration(Acceleration.Kind.TCG, "test");
    private static final Acceleration KVM = new Acceleration(Acceleration.Kind.KVM, "test");

    @TempDir
    Path dir;

    @Test
    void kvmOnlyWhenAKvmVcpuActuallyRan() {
        assertEquals(Acceleration.Kind.TCG, Acceleration.decide(false, false, null).kind());
        assertTrue(Acceleration.decide(false, false, null).reason().contains("no /dev/kvm"));
        assertEquals(Acceleration.Kind.TCG, Acceleration.decide(true, false, new Shell.Result(0, "")).kind());
        assertEquals(Acceleration.Kind.KVM, Acceleration.decide(true, true, new Shell.Result(0, "")).kind());
        // What this very machine answers: /dev/kvm is there, creating the VM works, the vCPU does not.
        String nested = "QEMU 7.2.22 monitor - type 'help' for more information\n"
                + "(qemu) \u001B[Kq\u001B[Dqu\u001B[K(qemu) qemu-system-x86_64: error: failed to set MSR 0x10a to 0x69\n"
                + "qemu-system-x86_64: ../../target/i386/kvm/kvm.c:3183: kvm_buf_set_msrs: Assertion failed.\n";
        Acceleration tcg = Acceleration.decide(true, true, new Shell.Result(134, nested));
        assertEquals(Acceleration.Kind.TCG, tcg.kind());
        assertTrue(tcg.reason().endsWith("qemu-system-x86_64: error: failed to set MSR 0x10a to 0x69"), tcg.reason());
        assertTrue(tcg.describe().contains("TCG") && tcg.describe().contains("256 MiB"), tcg.describe());
        assertEquals(Acceleration.Kind.KVM, Acceleration.choose("kvm").kind());
        assertThrows(ClusterException.class, () -> Acceleration.choose("fast"));
    }

    @Test
    void theChoiceShapesTheDomain() {
        KvmConfig config = KvmConfig.load(KvmConfig.DEFAULT_FILE);
        KvmConfig.Node node1 = config.node("node1");
        String kvm = new KvmFiles(config, KEY, new Acceleration(Acceleration.Kind.KVM, "test")).domainXml(node1, "pagila");
        assertTrue(kvm.contains("<domain type='kvm'>") && kvm.contains("host-passthrough") && !kvm.contains("<tcg>"), kvm);
        String tcg = new KvmFiles(config, KEY, TCG).domainXml(node1, "pagila");
        assertTrue(tcg.contains("<domain type='qemu'>") && tcg.contains("<tcg><tb-cache unit='MiB'>256</tb-cache></tcg>"), tcg);
        assertFalse(tcg.contains("host-passthrough"), "TCG cannot pass the host CPU through: " + tcg);
        assertFalse(tcg.contains("<graphics"), "no graphics element (libvirt refuses type 'none')");
    }

    @Test
    void debianBootsItsKernelDirectlyOnTheBridgeAndPassesLibvirtsSchema() throws IOException {
        KvmConfig config = debian(new Properties());
        DebianGoldenImage image = new DebianGoldenImage(config);
        String xml = new KvmFiles(config, KEY, TCG).domainXml(config.node("node2"), "unused");
        assertTrue(xml.contains("<kernel>" + image.kernel() + "</kernel>") && xml.contains("<initrd>" + image.initrd() + "</initrd>")
                && xml.contains("<cmdline>root=/dev/vda rw console=ttyS0") && xml.contains(" mitigations=off</cmdline>"), xml);
        assertFalse(new KvmFiles(config, KEY, KVM).domainXml(config.node("node2"), "unused").contains("mitigations"),
                "under KVM the guest keeps its mitigations");
        assertFalse(xml.contains("<boot dev="), "direct kernel boot: no bootloader, no boot device: " + xml);
        assertTrue(xml.contains("<interface type='bridge'>") && xml.contains("<source bridge='virbr-pagila'/>"), xml);
        assertTrue(xml.contains("<log file='" + config.workDir().resolve("pagila-node2-console.log") + "'/>"), xml);
        assumeTrue(Shell.exec(List.of("sh", "-c", "command -v virt-xml-validate")).exitCode() == 0, "no virt-xml-validate (libvirt-clients)");
        Path file = Files.writeString(dir.resolve("node2.xml"), xml);
        Shell.Result result = Shell.exec(List.of("virt-xml-validate", file.toString(), "domain"));
        assertEquals(0, result.exitCode(), result.output());
        Path broken = Files.writeString(dir.resolve("broken.xml"), xml.replace("<tb-cache unit='MiB'>256</tb-cache>", "<tb-cache>lots</tb-cache>"));
        assertNotEquals(0, Shell.exec(List.of("virt-xml-validate", broken.toString(), "domain")).exitCode(), "the schema check can fail");
    }

    @Test
    void nodeUserDataInstallsNothingAndSetsTheLocale() {
        KvmConfig config = debian(new Properties());
        String userData = new KvmFiles(config, KEY, TCG).userData(config.node("node1"));
        assertFalse(userData.contains("packages:"), "the VMs have no mirror: nothing may be installed at boot\n" + userData);
        assertTrue(userData.contains("\nlocale: C.UTF-8\n"), userData);
    }

    @Test
    void theDebianImageIsKeyedByEveryInput() {
        DebianGoldenImage base = new DebianGoldenImage(debian(new Properties()));
        assertEquals(base.dir(), new DebianGoldenImage(debian(new Properties())).dir(), "same inputs, same image");
        assertTrue(base.dir().getFileName().toString().startsWith("debian-bookworm-postgresql-15-"), base.dir().toString());
        for (String[] change : List.of(new String[] {"debian.suite", "trixie"}, new String[] {"postgresql.version", "17"},
                new String[] {"vm.disk-gib", "12"}, new String[] {"vm.user", "admin"},
                new String[] {"debian.mirror", "http://ftp.de.debian.org/debian"})) {
            Properties p = new Properties();
            p.setProperty(change[0], change[1]);
            assertNotEquals(base.key(), new DebianGoldenImage(debian(p)).key(), change[0] + " is an input of the image");
        }
        String script = DebianGoldenImage.script();
        for (String baked : List.of("python3-cffi-backend", "cloud-init", "netplan.io", "openssh-server", "postgresql-$pg", "policy-rc.d",
                "datasource_list: [ NoCloud, None ]", "mkfs.ext4 -q -F -L pagila-root -d")) {
            assertTrue(script.contains(baked), "the image build: " + baked);
        }
        assertEquals(debian(new Properties()).image().cacheDir().resolve(base.dir().getFileName()), base.dir());
    }

    @Test
    void badImageAndNetworkSettingsAreRefusedNamingTheKey() {
        for (String[] bad : List.of(new String[] {"image.source", "centos"}, new String[] {"network.mode", "nat"},
                new String[] {"vm.acceleration", "hvf"}, new String[] {"debian.mirror", "ftp://x"})) {
            Properties p = new Properties();
            p.setProperty(bad[0], bad[1]);
            ClusterException e = assertThrows(ClusterException.class, () -> KvmConfig.from(Path.of("t.properties"), p));
            assertTrue(e.getMessage().contains(bad[0]), e.getMessage());
        }
    }

    @Test
    void aMisspelledKeyOrAFileThatIsNoTopologyIsRefusedNamingIt() {
        Properties p = new Properties();
        p.setProperty("vm.memory", "4096");
        ClusterException e = assertThrows(ClusterException.class, () -> KvmConfig.from(Path.of("t.properties"), p));
        assertTrue(e.getMessage().startsWith("Unknown setting [vm.memory] in t.properties"), e.getMessage());
        assertTrue(e.getMessage().contains(KvmConfig.DEFAULT_FILE.toString()), "says where the keys are: " + e.getMessage());
    }

    private static KvmConfig debian(Properties overrides) {
        Properties p = new Properties();
        p.setProperty("image.source", "debian");
        p.setProperty("postgresql.version", "15");
        p.setProperty("vm.user", "debian");
        p.setProperty("network.mode", "bridge");
        p.setProperty("image.cache-dir", "/var/cache/pagila-kvm");
        p.putAll(overrides);
        return KvmConfig.from(Path.of("t.properties"), p);
    }
}
