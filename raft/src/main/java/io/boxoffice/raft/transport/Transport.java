package io.boxoffice.raft.transport;

import io.boxoffice.raft.core.SnapshotMeta;
import io.boxoffice.raft.core.message.Message;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Map;
import java.util.Optional;

/**
 * Carries Raft messages between nodes, and snapshot files from a leader to the followers that need them.
 *
 * <p>Delivery is best effort: messages may be lost, duplicated or reordered, and Raft re-sends
 * what matters. {@link #send} therefore never blocks and never throws for network reasons; when a
 * peer's bounded queue is full or the peer is unreachable, the message is dropped and counted.
 */
public interface Transport extends AutoCloseable {

    /**
     * Starts accepting messages for this node and hands each to {@code inbox}; serves this node's snapshot
     * files from {@code snapshots} to peers that fetch them. The inbox is called from transport threads and
     * must not block.
     */
    void start(Inbox inbox, SnapshotFiles snapshots);

    /** Queues {@code message} for {@code message.to()}. Never blocks, never throws on network errors. */
    void send(Message message);

    /**
     * Replaces the peer address book (member id → {@code host:port}). Called by the driver whenever
     * the membership configuration changes. Connections to removed peers are closed.
     */
    void updatePeers(Map<String, String> addressesById);

    /**
     * Copies the snapshot file {@code meta} from {@code sourceId}, from byte {@code offset} on, into
     * {@code sink}: its methods are called from one transport thread at a time, in order, ending with exactly
     * one of {@link SnapshotSink#completed()} or {@link SnapshotSink#failed(Throwable)} unless the copy is
     * cancelled first. Never blocks.
     */
    Cancellable fetchSnapshot(String sourceId, SnapshotMeta meta, long offset, SnapshotSink sink);

    /** Stops sending and receiving. Idempotent. */
    @Override
    void close();

    /** Receives inbound messages. */
    @FunctionalInterface
    interface Inbox {
        /** Called from transport threads; must not block. */
        void deliver(Message message);
    }

    /** This node's snapshot files, as served to peers. */
    @FunctionalInterface
    interface SnapshotFiles {
        /** The file of snapshot (index, term), opened for reading, if this node holds it; the caller closes it. */
        Optional<FileChannel> open(long index, long term);
    }

    /** Receives a snapshot file being copied. */
    interface SnapshotSink {
        /**
         * The bytes at {@code offset} of a file of {@code fileBytes}. Throwing aborts the copy, which then
         * ends with {@link #failed}.
         */
        void chunk(long offset, long fileBytes, ByteBuffer data);

        /** The source sent the whole file. */
        void completed();

        /** The copy broke off (network, the source no longer holds the snapshot, a chunk refused). */
        void failed(Throwable cause);
    }

    /** A copy in progress. */
    @FunctionalInterface
    interface Cancellable {
        /** Stops the copy. A sink call already running may finish; no new one starts. Idempotent. */
        void cancel();
    }
}
