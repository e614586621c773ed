package org.pagila.cluster.kvm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.engine.PackagedLayout;
import org.pagila.cluster.secrets.Secrets;
import org.pagila.cluster.transport.LocalTransport;
import org.pagila.cluster.transport.Shell;

/** This machine's part: checks, the work directory and SSH key, and (placement "host") its packaged PostgreSQL. */
final class HostSetup {
    private final KvmContext kvm;

    HostSetup(KvmContext kvm) {
        this.kvm = kvm;
    }

    void check() {
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new ClusterException("kvm apply defines libvirt networks and writes under " + kvm.config.workDir() + ": run it as root (sudo)");
        }
        List<String> missing = new ArrayList<>();
        for (String program : List.of("virsh", "qemu-img", "genisoimage", "ssh", "ssh-keygen")) {
            if (Shell.exec(List.of("sh", "-c", "command -v " + program)).exitCode() != 0) {
                missing.add(program);
            }
        }
        if (!missing.isEmpty()) {
            throw new ClusterException("Missing programs: " + missing + ". On Debian/Ubuntu: apt-get install libvirt-daemon-system"
                    + " libvirt-clients qemu-system-x86 qemu-utils genisoimage openssh-client");
        }
    }

    void workDir() {
        try {
            if (!Files.isDirectory(kvm.config.workDir())) {
                Files.createDirectories(kvm.config.workDir());
                kvm.ledger.load();
                kvm.ledger.record("workdir");
            }
            kvm.ledger.load();
        } catch (IOException e) {
            throw new ClusterException("Cannot create " + kvm.config.workDir() + ": " + e.getMessage(), e);
        }
    }

    void sshKeyPair() {
        if (!Files.exists(kvm.sshKey())) {
            Shell.run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "pagila-kvm", "-f", kvm.sshKey().toString()));
            kvm.ledger.recordFile(kvm.sshKey());
            kvm.ledger.recordFile(Path.of(kvm.sshKey() + ".pub"));
        }
    }

    void hostPostgres() {
        LocalTransport local = LocalTransport.as(PackagedLayout.OS_USER);
        local.runAdmin(List.of("sh", "-c", KvmFiles.postgresInstall(kvm.config.postgresVersion())));
        Path saved = Path.of(kvm.layout.hbaFile() + ".pagila-saved");
        if (!Files.exists(saved)) {
            local.runAdmin(List.of("cp", "-p", kvm.layout.hbaFile(), saved.toString()));
        }
        kvm.ledger.record("host-primary");
    }

    void undoHostPostgres() {
        if (!kvm.ledger.created("host-primary")) {
            return;
        }
        PackagedLayout pg = kvm.layout;
        LocalTransport local = LocalTransport.as(PackagedLayout.OS_USER);
        local.exec(List.of(pg.bin("psql"), "-X", "-q", "-p", String.valueOf(pg.port()), "-c", "DROP DATABASE IF EXISTS pagila WITH (FORCE)",
                "-c", "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name LIKE '%\\_slot' AND NOT active",
                "-c", dropRoles()));
        local.execAdmin(List.of("rm", "-f", pg.settingsFile(), pg.pgpassFile()));
        local.execAdmin(List.of("mv", pg.hbaFile() + ".pagila-saved", pg.hbaFile()));
        local.execAdmin(pg.ctl("restart"));
        kvm.progress.info("host PostgreSQL " + kvm.config.postgresVersion() + ": database pagila, roles, slots and our settings removed,"
                + " pg_hba.conf restored (the package stays installed)");
    }

    /** Our roles on the host's own server: their rights in database postgres go first (pagila is dropped already). */
    private static String dropRoles() {
        List<String> roles = new java.util.ArrayList<>(Secrets.STORE_USERS);
        roles.add(Secrets.REPLICATION_USER);
        roles.add(Secrets.REWIND_USER);
        return "DO $$ DECLARE r text; BEGIN FOR r IN SELECT rolname FROM pg_roles WHERE rolname IN ('" + String.join("', '", roles)
                + "') LOOP EXECUTE format('DROP OWNED BY %I', r); EXECUTE format('DROP ROLE %I', r); END LOOP; END $$";
    }
}
