package io.boxoffice.raft.core;

import java.util.ArrayList;
import java.util.List;

/**
 * Tunables of one Raft node. Time is in ticks; the driver decides how long a tick is.
 *
 * @param selfId                    this node's member id
 * @param electionTimeoutTicks      base election timeout; the effective one is randomized in
 *                                  {@code [electionTimeoutTicks, 2 * electionTimeoutTicks)} (§5.2)
 * @param heartbeatIntervalTicks    how often a leader sends heartbeats; must be well below the election timeout
 * @param maxInflightAppends        pipelined AppendEntries per follower awaiting an answer (flow control)
 * @param maxEntriesPerAppend       entries in one AppendEntries
 * @param maxBytesPerAppend         payload bytes in one AppendEntries (at least one entry is always sent)
 * @param maxUncommittedEntries     proposals a leader accepts beyond its commit index before refusing more
 * @param preVote                   run a pre-vote before a real election (dissertation §9.6)
 * @param checkQuorum               a leader steps down when it has not heard from a quorum within an
 *                                  election timeout, and followers that recently heard from a leader
 *                                  refuse votes (dissertation §6.2, §9.6)
 */
public record RaftConfig(String selfId, int electionTimeoutTicks, int heartbeatIntervalTicks, int maxInflightAppends,
                         int maxEntriesPerAppend, long maxBytesPerAppend, int maxUncommittedEntries,
                         boolean preVote, boolean checkQuorum) {

    /** Sensible defaults for a node ticking every 10 to 20 milliseconds. */
    public static RaftConfig defaults(String selfId) {
        return new RaftConfig(selfId, 10, 1, 64, 512, 1 << 20, 100_000, true, true);
    }

    public RaftConfig withElectionTimeoutTicks(int ticks) {
        return new RaftConfig(selfId, ticks, heartbeatIntervalTicks, maxInflightAppends, maxEntriesPerAppend,
                maxBytesPerAppend, maxUncommittedEntries, preVote, checkQuorum);
    }

    public RaftConfig withHeartbeatIntervalTicks(int ticks) {
        return new RaftConfig(selfId, electionTimeoutTicks, ticks, maxInflightAppends, maxEntriesPerAppend,
                maxBytesPerAppend, maxUncommittedEntries, preVote, checkQuorum);
    }

    public RaftConfig withLimits(int maxInflightAppends, int maxEntriesPerAppend, long maxBytesPerAppend) {
        return new RaftConfig(selfId, electionTimeoutTicks, heartbeatIntervalTicks, maxInflightAppends,
                maxEntriesPerAppend, maxBytesPerAppend, maxUncommittedEntries, preVote, checkQuorum);
    }

    /** Every problem with this configuration, each with the fix; empty when valid. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (selfId == null || selfId.isBlank()) {
            problems.add("selfId must be set to this node's member id");
        }
        if (heartbeatIntervalTicks < 1) {
            problems.add("heartbeatIntervalTicks must be >= 1, was " + heartbeatIntervalTicks);
        }
        if (electionTimeoutTicks < 2 * Math.max(1, heartbeatIntervalTicks)) {
            problems.add("electionTimeoutTicks (" + electionTimeoutTicks
                    + ") must be at least twice heartbeatIntervalTicks (" + heartbeatIntervalTicks
                    + "), or followers time out between heartbeats");
        }
        if (maxInflightAppends < 1) {
            problems.add("maxInflightAppends must be >= 1, was " + maxInflightAppends);
        }
        if (maxEntriesPerAppend < 1) {
            problems.add("maxEntriesPerAppend must be >= 1, was " + maxEntriesPerAppend);
        }
        if (maxBytesPerAppend < 1) {
            problems.add("maxBytesPerAppend must be >= 1, was " + maxBytesPerAppend);
        }
        if (maxUncommittedEntries < 1) {
            problems.add("maxUncommittedEntries must be >= 1, was " + maxUncommittedEntries);
        }
        return problems;
    }

    /** Throws {@link IllegalArgumentException} listing every problem at once. */
    public RaftConfig validated() {
        List<String> problems = problems();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid Raft configuration: " + String.join("; ", problems));
        }
        return this;
    }
}
