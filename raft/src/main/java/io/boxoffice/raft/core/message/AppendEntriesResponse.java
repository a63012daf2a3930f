package io.boxoffice.raft.core.message;

/**
 * Reply to {@link AppendEntries}.
 *
 * @param matchIndex      on success, the index up to which the follower's log now matches the leader's
 * @param rejectHintIndex on rejection, the index the leader should try next (fast backtracking, §5.3)
 * @param readRound       echo of the request's read round
 */
public record AppendEntriesResponse(long term, String from, String to, boolean success, long matchIndex,
                                    long rejectHintIndex, long readRound) implements Message {
}
