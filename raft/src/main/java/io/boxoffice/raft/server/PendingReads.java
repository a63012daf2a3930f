package io.boxoffice.raft.server;

import io.boxoffice.raft.core.ReadState;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Linearizable reads in their two waiting phases (dissertation §6.4): first for the leader to
 * confirm its leadership with a quorum (by read id), then for the state machine to apply up to
 * the confirmed read index. Driver thread only.
 */
final class PendingReads {

    private record Confirmed(ClientRequest.Read<?> read, long index) {
    }

    private final Map<Long, ClientRequest.Read<?>> awaitingQuorum = new HashMap<>();
    private final ArrayDeque<Confirmed> awaitingApply = new ArrayDeque<>();
    private long lastReadId;

    /** Registers a read and returns the id to hand to {@code RaftNode.readIndex}. */
    long register(ClientRequest.Read<?> read) {
        long readId = ++lastReadId;
        awaitingQuorum.put(readId, read);
        return readId;
    }

    /** The read was never started in the core (it threw); forget it. */
    void forget(long readId) {
        awaitingQuorum.remove(readId);
    }

    void confirmed(ReadState state) {
        ClientRequest.Read<?> read = awaitingQuorum.remove(state.readId());
        if (read != null) {
            awaitingApply.add(new Confirmed(read, state.index()));
        }
    }

    void failed(long readId, Throwable cause) {
        ClientRequest.Read<?> read = awaitingQuorum.remove(readId);
        if (read != null) {
            read.fail(cause);
        }
    }

    /** Serves, on the calling (driver) thread, every confirmed read whose index is applied. */
    void serveUpTo(long appliedIndex) {
        Iterator<Confirmed> it = awaitingApply.iterator();
        while (it.hasNext()) {
            Confirmed confirmed = it.next();
            if (confirmed.index <= appliedIndex) {
                confirmed.read.serve();
                it.remove();
            }
        }
    }

    void failAll(Throwable cause) {
        awaitingQuorum.values().forEach(read -> read.fail(cause));
        awaitingQuorum.clear();
        awaitingApply.forEach(confirmed -> confirmed.read.fail(cause));
        awaitingApply.clear();
    }
}
