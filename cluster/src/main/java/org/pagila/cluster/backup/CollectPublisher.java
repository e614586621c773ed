package org.pagila.cluster.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.pagila.cluster.transport.LocalTransport;
import org.pagila.cluster.transport.ServiceUser;
import org.pagila.cluster.transport.Shell;

/**
 * Publishes a file read from a node with the archive's script, run as the owner of the archive folder (the servers'
 * user here; the host's PostgreSQL user where the host is a node archiving into the same folder): its own
 * archiver must be able to read what was collected, to compare a copy it offers later.
 */
final class CollectPublisher {
    private final BackupSettings settings;
    private final Path staging;
    private final org.pagila.cluster.transport.NodeTransport local;

    /** The staging folder is the archive owner's alone: it holds WAL, the store's data. */
    CollectPublisher(BackupSettings settings, Path staging) throws IOException {
        this.settings = settings;
        this.staging = staging;
        Files.createDirectories(staging);
        Files.setPosixFilePermissions(staging, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        if (ServiceUser.isRoot()) {
            java.nio.file.attribute.UserPrincipal owner = Files.getOwner(settings.archiveDir());
            Files.setOwner(staging, owner);
            // an owner without a name here (a container's user id) cannot be switched to: the servers' user then
            local = owner.getName().matches("\\d+") ? new LocalTransport() : LocalTransport.as(owner.getName());
        } else {
            local = new LocalTransport();
        }
    }

    /** Stages the file from {@code in} ({@code size[0]}: the bytes read) and returns the script's exit code and message. */
    Shell.Result publish(String name, long expectedSize, InputStream in, long[] size) throws IOException {
        Path staged = staging.resolve(name);
        try (OutputStream out = Files.newOutputStream(staged)) {
            size[0] = in.transferTo(out);
        }
        if (size[0] != expectedSize) {
            // a stream cut short never reaches the archive: the file is read again at the next collection
            Files.deleteIfExists(staged);
            throw new IOException(name + ": read " + size[0] + " of " + expectedSize + " bytes");
        }
        Path script = settings.dir().resolve(WalArchive.SCRIPT);
        try {
            return local.exec(List.of("sh", script.toString(), staged.toString(), name));
        } finally {
            Files.deleteIfExists(staged);
        }
    }
}
