package io.boxoffice.raft.core.message;

import io.boxoffice.raft.core.Entry;
import java.util.List;

/**
 * AppendEntries RPC (§5.3). With no entries it is a heartbeat; {@code prevLogIndex} is then the
 * follower's known match index so that a heartbeat overtaking pipelined appends is not rejected.
 *
 * @param readRound non-zero when the leader uses this round trip to confirm leadership for
 *                  ReadIndex (§6.4); echoed in the response
 */
public record AppendEntries(long term, String from, String to, long prevLogIndex, long prevLogTerm,
                            List<Entry> entries, long leaderCommit, long readRound) implements Message {
    public AppendEntries {
        entries = List.copyOf(entries);
    }
}
