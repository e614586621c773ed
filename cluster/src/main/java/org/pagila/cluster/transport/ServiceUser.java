package org.pagila.cluster.transport;

import org.pagila.cluster.ClusterException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * PostgreSQL refuses to run as root. When we are root (CI is), the server processes run as a dedicated
 * system user and the files they touch belong to it; for a normal user everything runs as that user.
 */
public final class ServiceUser {
    public static final String NAME = "pagila";

    private ServiceUser() {
    }

    public static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** The command as it must be spawned: prefixed with runuser when we are root. */
    public static List<String> wrap(List<String> command) {
        if (!isRoot()) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of("runuser", "-u", NAME, "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    public static void ensureExists(Path home) {
        if (!isRoot()) {
            return;
        }
        if (Shell.exec(List.of("id", "-u", NAME)).exitCode() == 0) {
            return;
        }
        Shell.run(List.of("useradd", "--system", "--user-group", "--no-create-home", "--home-dir", home.toString(),
                "--shell", "/usr/sbin/nologin", NAME));
    }

    /** Gives the path (and everything below it) to the service user; a no-op unless we are root. */
    public static void own(Path path) {
        if (!isRoot() || !Files.exists(path)) {
            return;
        }
        try (Stream<Path> all = Files.walk(path)) {
            UserPrincipalLookupService lookup = path.getFileSystem().getUserPrincipalLookupService();
            var user = lookup.lookupPrincipalByName(NAME);
            var group = lookup.lookupPrincipalByGroupName(NAME);
            for (Path p : (Iterable<Path>) all::iterator) {
                PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class,
                        java.nio.file.LinkOption.NOFOLLOW_LINKS);
                view.setOwner(user);
                view.setGroup(group);
            }
        } catch (IOException e) {
            throw new ClusterException("Cannot give " + path + " to user " + NAME + ": " + e.getMessage(), e);
        }
    }
}
