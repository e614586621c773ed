package org.pagila.cluster.backup;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import org.pagila.cluster.ClusterException;

/**
 * One backup at a time per cluster, across processes (the command, the store's schedule): an OS file lock,
 * released by the kernel if the holder dies, so a crashed run never blocks the next one. The file records who
 * holds it, for the refusal message.
 */
public final class BackupLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private BackupLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock or refuses at once, naming the running backup. */
    public static BackupLock acquire(Path file, String what) {
        try {
            Files.createDirectories(file.getParent());
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException sameProcess) {
                lock = null;
            }
            if (lock == null) {
                String holder = Files.readString(file, StandardCharsets.UTF_8).strip();
                channel.close();
                throw new ClusterException("Another backup is running (" + (holder.isEmpty() ? "lock " + file : holder)
                        + "); not starting a second one. Try again when it has finished.");
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((what + ", pid " + ProcessHandle.current().pid() + ", since " + Instant.now())
                    .getBytes(StandardCharsets.UTF_8)));
            channel.force(false);
            return new BackupLock(channel, lock);
        } catch (IOException e) {
            throw new ClusterException("Cannot take the backup lock " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            channel.truncate(0);
            lock.release();
            channel.close();
        } catch (IOException e) {
            // closing the channel releases the lock anyway
        }
    }
}
