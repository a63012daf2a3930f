package io.boxoffice.raft.storage;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;

/**
 * Writes a long file gently: at most {@code bytesPerSecond} on average, and pushes what was written to the
 * disk every {@code syncEveryBytes} through {@code sync}. A snapshot written at full speed and fsynced once
 * at the end fills the disk's queue with hundreds of megabytes at once, and the Raft log's fsyncs, on the
 * same disk, wait behind them long enough for followers to miss heartbeats; paced and synced in steps, the
 * log's fsyncs find a short queue.
 *
 * <p>Threading: one writer thread; it sleeps in {@link #write} when ahead of its rate.
 */
final class PacedOutputStream extends FilterOutputStream {

    /** Something that makes the bytes written so far durable (the file channel's force). */
    @FunctionalInterface
    interface Sync {
        void run() throws IOException;
    }

    private final long bytesPerSecond;
    private final long syncEveryBytes;
    private final Sync sync;
    private final long startNanos = System.nanoTime();
    private long written;
    private long unsynced;

    /**
     * @param bytesPerSecond average rate to keep under; 0 for no limit
     * @param syncEveryBytes bytes between two calls of {@code sync}; 0 for none
     */
    PacedOutputStream(OutputStream out, long bytesPerSecond, long syncEveryBytes, Sync sync) {
        super(out);
        if (bytesPerSecond < 0 || syncEveryBytes < 0) {
            throw new IllegalArgumentException("rate and sync step must be >= 0");
        }
        this.bytesPerSecond = bytesPerSecond;
        this.syncEveryBytes = syncEveryBytes;
        this.sync = sync;
    }

    @Override
    public void write(int b) throws IOException {
        out.write(b);
        account(1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        out.write(bytes, offset, length);
        account(length);
    }

    private void account(int length) throws IOException {
        written += length;
        unsynced += length;
        if (syncEveryBytes > 0 && unsynced >= syncEveryBytes) {
            out.flush();
            sync.run();
            unsynced = 0;
        }
        if (bytesPerSecond > 0) {
            long dueNanos = startNanos + written * TimeUnit.SECONDS.toNanos(1) / bytesPerSecond;
            long aheadNanos = dueNanos - System.nanoTime();
            if (aheadNanos > TimeUnit.MILLISECONDS.toNanos(1)) {
                try {
                    TimeUnit.NANOSECONDS.sleep(aheadNanos);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while pacing a snapshot write");
                }
            }
        }
    }
}
