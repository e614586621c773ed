package org.pagila.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

/** This machine: plain processes, run as the service user `pagila` when we are root (PostgreSQL refuses root). */
public final class LocalTransport implements NodeTransport {
    private final int timeoutSeconds;

    public LocalTransport() {
        this(600);
    }

    public LocalTransport(int timeoutSeconds) {
        this.timeoutSeconds = timeoutSeconds;
    }

    @Override
    public String describe() {
        return ServiceUser.isRoot() ? "local (as " + ServiceUser.NAME + ")" : "local";
    }

    @Override
    public Shell.Result exec(List<String> command, Map<String, String> env) {
        return Shell.exec(ServiceUser.wrap(command), env, timeoutSeconds);
    }

    @Override
    public Shell.Result execAdmin(List<String> command) {
        return Shell.exec(command, Map.of(), timeoutSeconds);
    }

    @Override
    public void writeFile(String path, String content) {
        Path file = Path.of(path);
        try {
            Files.writeString(file, content);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            ServiceUser.own(file);
        } catch (IOException e) {
            throw new ClusterException("Cannot write " + path + ": " + e.getMessage(), e);
        }
    }
}
