package io.boxoffice.raft.server;

import java.io.IOException;
import java.io.InputStream;

/**
 * The replicated application. Raft feeds it committed commands in log order.
 *
 * <p>Threading: methods are never called concurrently. The driver thread calls them holding the server's state
 * lock, and reads issued through {@link RaftServer} run under the same lock: on the driver thread, or for a
 * stale read on the caller's thread (the lock orders those calls and makes each see the others' writes). So a
 * state must not rely on one thread, only on one call at a time. The exceptions are {@link StateCapture#writeTo}
 * and {@link StateCapture#makeDurable}, which run on a snapshot thread while the driver goes on applying.
 *
 * <p>Determinism: {@link #apply} must depend only on the current state and the command bytes — no
 * clock, randomness or I/O other than the state's own storage — so every replica reaches the same state.
 * Time and ids the command needs are stamped into it by the leader before it is proposed.
 *
 * <p>Durability: the state may keep its own storage (a RocksDB of its own, say) and write to it lazily;
 * {@link #open()} says how far that storage got, and Raft replays the log from there. Raft compacts its
 * log only up to an index that a snapshot covers, and {@link StateCapture#writeTo} and
 * {@link StateCapture#makeDurable} must leave the state's own storage durable through the captured index, so
 * the entries a restart needs are never compacted away.
 *
 * <p>Snapshots (§7) come in two kinds. A state with durable storage of its own is snapshotted locally by
 * making that storage durable ({@link StateCapture#makeDurable}: a sync, not a copy), as etcd does; a snapshot
 * <em>file</em> of the whole state is written only when a follower needs one. A state held only in memory
 * ({@code makeDurable} returns false) is written to a file at every snapshot.
 *
 * <p>Failure: a command the application rejects (seat taken, bad argument) is not a failure; the rejection
 * is part of the returned result. Throwing from any method is a bug or a storage failure and stops the node.
 *
 * @param <R> the result handed to the proposer (never encoded: proposer and leader share a process)
 */
public interface StateMachine<R> {

    /**
     * Opens the state's storage and returns the index of the last command whose effects it holds
     * durably (0 for a new, empty state). Called once, before anything else.
     */
    long open();

    /**
     * Applies the command committed at {@code index} and returns the result for its proposer. Called
     * exactly once per committed COMMAND entry above the index {@link #open()} or {@link #restore} left.
     */
    R apply(long index, byte[] command);

    /**
     * The end of a batch of committed entries (one loop of the driver): every entry up to
     * {@code appliedIndex} has been applied — commands through {@link #apply}, the others (no-ops,
     * membership changes) carry no state. Reads and captures that follow must see all of it, and
     * {@link #open()} after a restart may report {@code appliedIndex} once this batch is durable. An
     * implementation that buffers writes commits them here.
     */
    void endBatch(long appliedIndex);

    /**
     * A consistent, read-only view of the state as of the last applied command, for a snapshot. Must be
     * cheap (at most proportional to what the state keeps in memory): the driver is waiting.
     */
    StateCapture capture();

    /**
     * Replaces the whole state with the payload of a snapshot that {@link StateCapture#writeTo} wrote on
     * some replica, up to the end of {@code payload}; afterwards {@link #open()}'s contract holds for
     * {@code index}. Reads the stream to its end (the stream verifies the file's checksum there).
     */
    void restore(long index, InputStream payload) throws IOException;

    /** A point-in-time view of the state, written out on a snapshot thread. */
    interface StateCapture extends AutoCloseable {

        /** Index of the last command the view includes. */
        long index();

        /**
         * Writes the view, then makes the state's own storage durable through {@link #index()}. Runs on
         * a snapshot thread, concurrently with the driver's applies.
         */
        void writeTo(java.io.OutputStream out) throws IOException;

        /**
         * Makes the state's own storage durable through {@link #index()} without writing the view anywhere, and
         * returns true; or returns false, doing nothing, when the state keeps no durable storage of its own (the
         * driver then writes the view with {@link #writeTo}). Runs on a snapshot thread, concurrently with the
         * driver's applies. The cost must not grow with the state: it runs at every local snapshot.
         */
        boolean makeDurable() throws IOException;

        /** Releases the view. Called once, after {@link #writeTo} or {@link #makeDurable}, or instead of them. */
        @Override
        void close();
    }
}
