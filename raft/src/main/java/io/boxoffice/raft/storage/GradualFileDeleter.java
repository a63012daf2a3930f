package io.boxoffice.raft.storage;

import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

/**
 * Deletes a large file a step at a time: truncates {@code stepBytes} off its end, syncs, and keeps to
 * {@code bytesPerSecond} on average, then unlinks what is left. Unlinking a 2 GB snapshot in one call took
 * 1.5–3.5 s on this project's test machine (ext4 mounted with online {@code discard}: the freed blocks are
 * trimmed when the journal commits, and every fsync on the disk — the Raft log's included — waits for that
 * commit); a Raft driver that did it missed its heartbeats and lost leadership. RocksDB deletes obsolete
 * files the same way when given a delete rate (its {@code DeleteScheduler}).
 *
 * <p>Threading: runs on the calling thread and sleeps; never call it on the Raft driver thread.
 */
final class GradualFileDeleter {

    private GradualFileDeleter() {
    }

    /**
     * Deletes {@code file} (nothing when it is already gone).
     *
     * @param bytesPerSecond average rate to keep under; 0 for no limit
     * @param stepBytes      bytes freed per truncation (&gt; 0)
     * @throws InterruptedException when interrupted while pacing; the file is then left, shortened
     */
    static void delete(Path file, long bytesPerSecond, long stepBytes) throws IOException, InterruptedException {
        if (bytesPerSecond < 0 || stepBytes <= 0) {
            throw new IllegalArgumentException("rate must be >= 0 and step > 0");
        }
        long startNanos = System.nanoTime();
        long freed = 0;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            // Bounded by the file's size: each round frees one step.
            for (long size = channel.size(); size > stepBytes; size = channel.size()) {
                channel.truncate(size - stepBytes);
                channel.force(false);
                freed += stepBytes;
                if (bytesPerSecond > 0) {
                    long aheadNanos = startNanos + freed * TimeUnit.SECONDS.toNanos(1) / bytesPerSecond
                            - System.nanoTime();
                    if (aheadNanos > 0) {
                        TimeUnit.NANOSECONDS.sleep(aheadNanos);
                    }
                }
            }
        } catch (NoSuchFileException e) {
            return;
        } catch (ClosedByInterruptException e) {
            // The channel saw the interrupt first (it is interruptible); report it as the pause would have.
            Thread.interrupted();
            InterruptedException interrupted = new InterruptedException("interrupted while deleting " + file);
            interrupted.initCause(e);
            throw interrupted;
        }
        Files.deleteIfExists(file);
    }
}
