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
import java.util.List;
import java.util.Properties;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.pagila.cluster.ClusterException;
import org.pagila.cluster.Redaction;

/**
 * Passwords generated at the first bring-up and kept beside the cluster (mode 600), never in the repository.
 * Two files: {@code secrets.properties} holds what the store may know (its own logins and the staff passwords), and
 * {@code admin-secrets.properties} beside it holds the tooling's logins (the superuser, the replicator, the rewind
 * role, Patroni's REST password). The store reads only the first ({@link #loadForStore}); a store running apart from
 * the tooling gets a copy of that file alone. Every change is a read-modify-write under a lock (the store and the
 * cluster command may both write) and lands by renaming a complete temporary file, so a crash never leaves half a
 * file or a file readable by others.
 */
public final class Secrets {
    public static final String SUPERUSER = "postgres";
    public static final String REPLICATION_USER = "replicator";
    /** pg_rewind's source login: the few file functions it calls, never a superuser. */
    public static final String REWIND_USER = "pagila_rewind";
    /** The store's login for what it serves: exactly the reads and the counter's writes. */
    public static final String APP_USER = "pagila_app";
    /** Owns the pagila schema: migrations and upkeep (partitions, aggregates, staff credentials). */
    public static final String OWNER_USER = "pagila_owner";
    /** The store's cluster poller: pg_monitor, nothing in pagila's tables. */
    public static final String MONITOR_USER = "pagila_monitor";
    /** Base backups: pg_backup_start/stop, pg_switch_wal and CHECKPOINT, nothing else. */
    public static final String BACKUP_USER = "pagila_backup";

    /** The tooling's logins: kept in the admin file only. */
    public static final List<String> ADMIN_USERS = List.of(SUPERUSER, REPLICATION_USER, REWIND_USER);
    /** The store's logins: in the file the store reads. */
    public static final List<String> STORE_USERS = List.of(APP_USER, OWNER_USER, MONITOR_USER, BACKUP_USER);

    /** What a base backup logs in as: the monitor to choose the source, the backup role to copy it. */
    public static final List<String> BACKUP_LOGINS = List.of(MONITOR_USER, BACKUP_USER);

    /** Every admin file this process read: a process that must never know the superuser's password can prove it. */
    private static final java.util.Set<Path> ADMIN_FILES_READ = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** File locks belong to the process: threads of this JVM take this one first. */
    private static final ReentrantLock IN_PROCESS = new ReentrantLock();

    private final Path file;
    /** null: the store's view, which never reads the admin file. */
    private final Path adminFile;
    private volatile Properties values;
    private volatile Properties admin;

    private Secrets(Path file, Path adminFile, Properties values, Properties admin) {
        this.file = file;
        this.adminFile = adminFile;
        this.values = values;
        this.admin = admin;
        values.stringPropertyNames().forEach(key -> Redaction.register(values.getProperty(key)));
        admin.stringPropertyNames().forEach(key -> Redaction.register(admin.getProperty(key)));
    }

    /** The tooling's file beside the store's one. */
    public static Path adminFile(Path file) {
        return file.resolveSibling("admin-" + file.getFileName());
    }

    /** Whether a key belongs in the admin file (the tooling's logins and Patroni's REST password). */
    static boolean isAdminKey(String key) {
        return key.startsWith("patroni.") || ADMIN_USERS.stream().anyMatch(user -> key.equals(user + ".password"));
    }

    /**
     * The tooling's load at `up`: creates missing passwords, and moves the tooling's logins out of the store's file
     * of a cluster made by an older version (into the admin file first, so a crash in between loses nothing).
     */
    public static Secrets loadOrCreate(Path file) {
        Path adminFile = adminFile(file);
        ADMIN_FILES_READ.add(adminFile.toAbsolutePath());
        Properties[] result = new Properties[2];
        update(adminFile, adminValues -> {
            Properties older = read(file);
            for (String key : older.stringPropertyNames()) {
                if (isAdminKey(key) && adminValues.getProperty(key) == null) {
                    adminValues.setProperty(key, older.getProperty(key));
                }
            }
            ADMIN_USERS.forEach(user -> generateIfMissing(adminValues, user));
            result[1] = adminValues;
        });
        update(file, values -> {
            values.stringPropertyNames().stream().filter(Secrets::isAdminKey).toList().forEach(values::remove);
            STORE_USERS.forEach(user -> generateIfMissing(values, user));
            result[0] = values;
        });
        return new Secrets(file, adminFile, result[0], result[1]);
    }

    private static void generateIfMissing(Properties values, String user) {
        if (values.getProperty(user + ".password") == null) {
            values.setProperty(user + ".password", generate());
        }
    }

    /** The tooling's read of an existing cluster's secrets (both files); fails if the cluster was never brought up. */
    public static Secrets load(Path file) {
        requireExists(file);
        ADMIN_FILES_READ.add(adminFile(file).toAbsolutePath());
        Properties admin = read(adminFile(file));
        Properties values = read(file);
        // a cluster from before the split keeps the tooling's logins in the one file until its next `up`
        values.stringPropertyNames().stream().filter(Secrets::isAdminKey)
                .forEach(key -> admin.putIfAbsent(key, values.getProperty(key)));
        return new Secrets(file, adminFile(file), values, admin);
    }

    /**
     * What the store reads: its own logins and the staff passwords, never the tooling's (a file from before the
     * split is read without them, too).
     */
    public static Secrets loadForStore(Path file) {
        requireExists(file);
        Properties values = read(file);
        values.stringPropertyNames().stream().filter(Secrets::isAdminKey).toList().forEach(values::remove);
        return new Secrets(file, null, values, new Properties());
    }

    /**
     * What a base backup is given: the monitoring and the backup logins from the store's file, nothing else (not the
     * store's other logins, never the tooling's), so a backup cannot fall back on the superuser.
     */
    public static Secrets loadForBackup(Path file) {
        Secrets store = loadForStore(file);
        Properties logins = new Properties();
        BACKUP_LOGINS.forEach(user -> logins.setProperty(user + ".password", store.password(user)));
        return new Secrets(file, null, logins, new Properties());
    }

    /** The admin files (absolute paths) this process has read so far. */
    public static java.util.Set<Path> adminFilesRead() {
        return java.util.Set.copyOf(ADMIN_FILES_READ);
    }

    private static void requireExists(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ClusterException("No cluster secrets at " + file + ": bring the cluster up first");
        }
    }

    public String password(String user) {
        String key = user + ".password";
        if (adminFile == null && isAdminKey(key)) {
            throw new ClusterException(user + " is the cluster tooling's login: the store never reads it");
        }
        String value = (isAdminKey(key) ? admin : values).getProperty(key);
        if (value == null) {
            throw new ClusterException("No password for " + user + " in " + (isAdminKey(key) ? adminFile : file)
                    + ": run `cluster/pagila-cluster up` once with this version");
        }
        return value;
    }

    public void put(String key, String value) {
        boolean forAdmin = isAdminKey(key);
        if (forAdmin && adminFile == null) {
            throw new ClusterException(key + " belongs to the cluster tooling: the store never writes it");
        }
        Redaction.register(value);
        Properties[] result = new Properties[1];
        update(forAdmin ? adminFile : file, current -> {
            current.setProperty(key, value);
            result[0] = current;
        });
        if (forAdmin) {
            admin = result[0];
        } else {
            values = result[0];
        }
    }

    public String get(String key) {
        return (isAdminKey(key) ? admin : values).getProperty(key);
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
