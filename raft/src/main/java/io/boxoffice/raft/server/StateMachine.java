package io.boxoffice.raft.server;

/**
 * The replicated application. Raft feeds it committed commands in log order.
 *
 * <p>Threading: all methods are called from the single driver thread, never concurrently; reads
 * issued through {@link RaftServer} also run on that thread, so an implementation needs no locks
 * unless it publishes state to other threads itself.
 *
 * <p>Determinism: {@link #apply} must depend only on the current state and the command bytes — no
 * clock, randomness or I/O — so every replica reaches the same state. Time and ids the command
 * needs are stamped into it by the leader before it is proposed.
 *
 * <p>Failure: a command the application rejects (seat taken, bad argument) is not a failure; the
 * rejection is encoded in the returned result. Throwing from any method is a bug and stops the node.
 */
public interface StateMachine {

    /**
     * Applies the command committed at {@code index} and returns the result handed to the proposer.
     * Called exactly once per committed COMMAND entry after the last {@link #restore}.
     */
    byte[] apply(long index, byte[] command);

    /**
     * Serializes the whole state as of the last applied index. Replaying the same log from the
     * same snapshot must give the same bytes (byte-for-byte determinism).
     */
    byte[] snapshot();

    /** Replaces the whole state with a snapshot produced by {@link #snapshot()} on some replica. */
    void restore(byte[] snapshot);
}
