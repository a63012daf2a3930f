package io.boxoffice.raft.transport;

import io.boxoffice.raft.core.message.Message;
import java.util.Map;

/**
 * Carries Raft messages between nodes.
 *
 * <p>Delivery is best effort: messages may be lost, duplicated or reordered, and Raft re-sends
 * what matters. {@link #send} therefore never blocks and never throws for network reasons; when a
 * peer's bounded queue is full or the peer is unreachable, the message is dropped and counted.
 */
public interface Transport extends AutoCloseable {

    /**
     * Starts accepting messages for this node and hands each to {@code inbox}. The inbox is called
     * from transport threads and must not block.
     */
    void start(Inbox inbox);

    /** Queues {@code message} for {@code message.to()}. Never blocks, never throws on network errors. */
    void send(Message message);

    /**
     * Replaces the peer address book (member id → {@code host:port}). Called by the driver whenever
     * the membership configuration changes. Connections to removed peers are closed.
     */
    void updatePeers(Map<String, String> addressesById);

    /** Stops sending and receiving. Idempotent. */
    @Override
    void close();

    /** Receives inbound messages. */
    @FunctionalInterface
    interface Inbox {
        /** Called from transport threads; must not block. */
        void deliver(Message message);
    }
}
