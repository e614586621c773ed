package org.pagila.cluster.kvm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.pagila.cluster.Await;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.VerifiedDownload;
import org.pagila.cluster.transport.Shell;

/**
 * The Ubuntu cloud image, downloaded once and checked against its published SHA-256, and the golden image made
 * from it: booted once with cloud-init to install PostgreSQL, then shut off. Every VM's disk is an overlay on it.
 */
final class GoldenImage {
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(30);
    private static final String DOMAIN = "pagila-golden";

    private final KvmContext kvm;

    GoldenImage(KvmContext kvm) {
        this.kvm = kvm;
    }

    String describeBaseImage() {
        KvmConfig config = kvm.config;
        return "Ubuntu 24.04 cloud image " + config.imageUrl() + " to " + kvm.baseImage() + ", SHA-256 checked against "
                + (config.imageSha256().isEmpty() ? config.checksumsUrl() : "the pinned image.sha256 (and " + config.checksumsUrl() + ")");
    }

    String describeGolden() {
        return "golden image " + kvm.files().goldenImage() + ": a copy of the cloud image booted once as " + DOMAIN + " with"
                + " cloud-init: PostgreSQL " + kvm.config.postgresVersion() + " from the PostgreSQL apt repository (apt.postgresql.org.sh),"
                + (kvm.ha ? " then " + KvmHaFiles.PACKAGES + "," : "") + " then cloud-init clean and power-off; skipped when it exists";
    }

    void downloadBaseImage() {
        if (VerifiedDownload.fetch(kvm.config.imageUrl(), kvm.baseImage(), expectedSha256(), kvm.progress)) {
            kvm.ledger.recordFile(kvm.baseImage());
        }
    }

    private String expectedSha256() {
        String published = checksumFor(VerifiedDownload.text(kvm.config.checksumsUrl()), kvm.config.imageFileName());
        if (!kvm.config.imageSha256().isEmpty() && !kvm.config.imageSha256().equals(published)) {
            throw new ClusterException("image.sha256 pins " + kvm.config.imageSha256() + " but " + kvm.config.checksumsUrl() + " lists "
                    + published + " for " + kvm.config.imageFileName() + ": the URL now serves another build; update image.sha256");
        }
        return published;
    }

    /** The line of SHA256SUMS for our file: "<sha256> *<file name>". */
    static String checksumFor(String sha256sums, String fileName) {
        return sha256sums.lines().map(String::strip).map(line -> line.split("\\s+\\*?", 2))
                .filter(parts -> parts.length == 2 && parts[1].equals(fileName) && parts[0].matches("[0-9a-f]{64}"))
                .map(parts -> parts[0]).findFirst()
                .orElseThrow(() -> new ClusterException("The checksum list names no " + fileName));
    }

    void build() {
        KvmFiles files = kvm.files();
        Path golden = files.goldenImage();
        if (Files.exists(golden)) {
            kvm.progress.detail(golden.getFileName() + " exists: reused");
            return;
        }
        Path building = golden.resolveSibling("golden-building.qcow2");
        Shell.run(List.of("qemu-img", "convert", "-O", "qcow2", kvm.baseImage().toString(), building.toString()));
        kvm.ledger.recordFile(building);
        Shell.run(List.of("qemu-img", "resize", building.toString(), kvm.config.diskGib() + "G"));
        Path seedDir = files.seedDir("golden");
        kvm.writeText(seedDir.resolve("user-data"), files.goldenUserData());
        kvm.writeText(seedDir.resolve("meta-data"), files.metaData("golden"));
        Path iso = files.seedIso("golden");
        kvm.makeSeedIso(seedDir, iso);
        Path xml = kvm.config.workDir().resolve(DOMAIN + ".xml");
        kvm.writeText(xml, files.domainXml(DOMAIN, building, iso, "52:54:00:ff:00:01", kvm.network));
        if (kvm.libvirt.domainExists(DOMAIN)) {
            kvm.libvirt.virsh("destroy", DOMAIN);
            kvm.libvirt.virsh("undefine", DOMAIN);
        }
        kvm.libvirt.define(xml);
        kvm.ledger.record("domain." + DOMAIN);
        kvm.libvirt.virshOk("start", DOMAIN);
        kvm.progress.detail(DOMAIN + " installing PostgreSQL " + kvm.config.postgresVersion() + " (waits for its power-off)");
        Await.until(DOMAIN + " powered off after installing PostgreSQL", BUILD_TIMEOUT, Duration.ofSeconds(5),
                () -> kvm.libvirt.domainState(DOMAIN).equals("shut off"), () -> "see `virsh console " + DOMAIN + "`");
        kvm.libvirt.virshOk("undefine", DOMAIN);
        try {
            Files.move(building, golden);
        } catch (IOException e) {
            throw new ClusterException("Cannot move the golden image into place: " + e.getMessage(), e);
        }
        kvm.ledger.recordFile(golden);
    }

    /** destroy: the build domain, if apply left it defined. */
    void remove() {
        if (kvm.ledger.created("domain." + DOMAIN) && kvm.libvirt.domainExists(DOMAIN)) {
            kvm.libvirt.virsh("destroy", DOMAIN);
            kvm.libvirt.virsh("undefine", DOMAIN);
        }
    }
}
