package org.pagila.cluster.transport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.pagila.cluster.ClusterException;

/** This machine: plain processes, run as the service user `pagila` when we are root (PostgreSQL refuses root). */
public final class LocalTransport implements NodeTransport {
    private final int timeoutSeconds;
    private final String osUser;

    /** The embedded cluster's processes: as the service user `pagila` when we are root. */
    public LocalTransport() {
        this(600, null);
    }

    private LocalTransport(int timeoutSeconds, String osUser) {
        this.timeoutSeconds = timeoutSeconds;
        this.osUser = osUser;
    }

    /** A packaged PostgreSQL on this machine (the KVM topology's primary on the host): as its OS user, from root. */
    public static LocalTransport as(String osUser) {
        if (!ServiceUser.isRoot()) {
            throw new ClusterException("Run as root (sudo) to provision the PostgreSQL of this machine as user " + osUser);
        }
        return new LocalTransport(900, osUser);
    }

    @Override
    public String describe() {
        String user = osUser != null ? osUser : ServiceUser.isRoot() ? ServiceUser.NAME : null;
        return user == null ? "local" : "local (as " + user + ")";
    }

    /**
     * In a session of its own (setsid): without a controlling terminal a client program that lacks a password fails
     * at once instead of prompting on the terminal of whoever started us and waiting there.
     */
    @Override
    public Shell.Result exec(List<String> command, Map<String, String> env, byte[] stdin) {
        return Shell.exec(asUser(command), env, stdin, timeoutSeconds);
    }

    private List<String> asUser(List<String> command) {
        List<String> wrapped = new ArrayList<>(List.of("setsid", "--wait"));
        if (osUser != null) {
            wrapped.addAll(List.of("runuser", "-u", osUser, "--"));
            wrapped.addAll(command);
        } else {
            wrapped.addAll(ServiceUser.wrap(command));
        }
        return wrapped;
    }

    @Override
    public Shell.Result read(List<String> command, Shell.OutputReader reader) {
        return Shell.stream(asUser(command), Map.of(), reader, timeoutSeconds);
    }

    @Override
    public Shell.Result execAdmin(List<String> command) {
        return Shell.exec(command, Map.of(), null, timeoutSeconds);
    }

    @Override
    public void writeFile(String path, String content) {
        if (osUser != null) {
            NodeTransport.super.writeFile(path, content);
            return;
        }
        Path file = Path.of(path);
        try {
            if (!Files.exists(file)) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            Files.writeString(file, content);
            ServiceUser.own(file);
        } catch (IOException e) {
            throw new ClusterException("Cannot write " + path + ": " + e.getMessage(), e);
        }
    }
}
