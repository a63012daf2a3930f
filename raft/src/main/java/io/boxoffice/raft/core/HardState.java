package io.boxoffice.raft.core;

/**
 * The state Raft must persist before answering any message (Figure 2: currentTerm, votedFor),
 * plus the commit index, which lets a restarted node re-apply without waiting for a leader.
 *
 * @param term        current term
 * @param votedFor    candidate voted for in {@code term}, or {@code null}
 * @param commitIndex highest index known committed
 */
public record HardState(long term, String votedFor, long commitIndex) {
    public static final HardState INITIAL = new HardState(0, null, 0);

    public HardState {
        if (term < 0 || commitIndex < 0) {
            throw Invariants.violated("negative hard state: term " + term + ", commit index " + commitIndex);
        }
    }
}
