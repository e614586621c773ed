package org.pagila.cluster.kvm;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.pagila.cluster.transport.Shell;

/** The few virsh calls apply and destroy need, against one libvirt connection. */
final class Libvirt {
    private final String uri;

    Libvirt(String uri) {
        this.uri = uri;
    }

    boolean networkExists(String name) {
        return virsh("net-info", name).exitCode() == 0;
    }

    boolean networkActive(String name) {
        return virsh("net-info", name).output().matches("(?s).*Active:\\s+yes.*");
    }

    /** A network whose XML gives the host this address (libvirt's "default" network has 192.168.122.1). */
    Optional<String> networkWithHostAddress(String address) {
        for (String name : virshOk("net-list", "--all", "--name").lines().map(String::strip).filter(s -> !s.isEmpty()).toList()) {
            String xml = virsh("net-dumpxml", name).output();
            if (xml.contains("address='" + address + "'") || xml.contains("address=\"" + address + "\"")) {
                return Optional.of(name);
            }
        }
        return Optional.empty();
    }

    boolean domainExists(String name) {
        return virsh("dominfo", name).exitCode() == 0;
    }

    String domainState(String name) {
        return virsh("domstate", name).output().strip();
    }

    Shell.Result virsh(String... args) {
        List<String> command = new ArrayList<>(List.of("virsh", "-c", uri));
        command.addAll(List.of(args));
        return Shell.exec(command);
    }

    String virshOk(String... args) {
        List<String> command = new ArrayList<>(List.of("virsh", "-c", uri));
        command.addAll(List.of(args));
        return Shell.run(command);
    }

    void define(Path domainXml) {
        virshOk("define", domainXml.toString());
    }

    String uri() {
        return uri;
    }
}
