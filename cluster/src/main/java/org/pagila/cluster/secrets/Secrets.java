package org.pagila.cluster.secrets;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Properties;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.Redaction;

/**
 * Passwords generated at the first bring-up and kept beside the cluster (mode 600), never in the repository.
 * Every change is a read-modify-write under a lock (the store and the cluster command may both write) and lands
 * by renaming a complete temporary file, so a crash never leaves half a file or a file readable by others.
 */
public final class Secrets {
    public static final String SUPERUSER = "postgres";
    public static final String REPLICATION_USER = "replicator";
    public static final String APP_USER = "pagila_app";

    /** File locks belong to the process: threads of this JVM take this one first. */
    private static final ReentrantLock IN_PROCESS = new ReentrantLock();

    private final Path file;
    private volatile Properties values;

    private Secrets(Path file, Properties values) {
        this.file = file;
        this.values = values;
        values.stringPropertyNames().forEach(key -> Redaction.register(values.getProperty(key)));
    }

    public static Secrets loadOrCreate(Path file) {
        Properties[] result = new Properties[1];
        update(file, values -> {
            for (String user : new String[] {SUPERUSER, REPLICATION_USER, APP_USER}) {
                if (values.getProperty(user + ".password") == null) {
                    values.setProperty(user + ".password", generate());
                }
            }
            result[0] = values;
        });
        return new Secrets(file, result[0]);
    }

    /** Reads an existing secrets file; fails if the cluster was never brought up. */
    public static Secrets load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ClusterException("No cluster secrets at " + file + ": bring the cluster up first");
        }
        return new Secrets(file, read(file));
    }

    public String password(String user) {
        String value = values.getProperty(user + ".password");
        if (value == null) {
            throw new ClusterException("No password for " + user + " in " + file);
        }
        return value;
    }

    public void put(String key, String value) {
        Redaction.register(value);
        Properties[] result = new Properties[1];
        update(file, current -> {
            current.setProperty(key, value);
            result[0] = current;
        });
        values = result[0];
    }

    public String get(String key) {
        return values.getProperty(key);
    }

    public static String generate() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Re-reads the file under the lock, lets the change happen, writes it back atomically if anything changed. */
    private static void update(Path file, Consumer<Properties> change) {
        IN_PROCESS.lock();
        try {
            Files.createDirectories(file.getParent());
            Path lockFile = file.resolveSibling(file.getFileName() + ".lock");
            try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = channel.lock()) {
                Properties values = read(file);
                Properties before = (Properties) values.clone();
                change.accept(values);
                if (!values.equals(before) || !Files.exists(file)) {
                    write(file, values);
                }
            }
        } catch (IOException e) {
            throw new ClusterException("Cannot update " + file + ": " + e.getMessage(), e);
        } finally {
            IN_PROCESS.unlock();
        }
    }

    private static void write(Path file, Properties values) throws IOException {
        StringWriter text = new StringWriter();
        values.store(text, "Pagila Store cluster secrets: generated, never commit");
        Path temp = Files.createTempFile(file.getParent(), file.getFileName() + ".", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(temp, text.toString(), StandardCharsets.ISO_8859_1);
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static Properties read(Path file) {
        Properties values = new Properties();
        if (Files.isRegularFile(file)) {
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
                values.load(in);
            } catch (IOException e) {
                throw new ClusterException("Cannot read " + file + ": " + e.getMessage(), e);
            }
        }
        return values;
    }
}
