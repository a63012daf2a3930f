package io.boxoffice.raft.core;

/**
 * A linearizable read confirmed by the leader (ReadIndex, dissertation §6.4): the read
 * {@code readId} may be served once the state machine has applied {@code index}.
 */
public record ReadState(long readId, long index) {
}
