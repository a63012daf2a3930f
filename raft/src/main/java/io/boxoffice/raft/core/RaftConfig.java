package io.boxoffice.raft.core;

import java.util.ArrayList;
import java.util.List;

/**
 * Tunables of one Raft node. Time is in ticks; the driver decides how long a tick is.
 *
 * @param selfId                    this node's member id
 * @param electionTimeoutTicks      base election timeout; the effective one is randomized in
 *                                  {@code [electionTimeoutTicks, 1.5 * electionTimeoutTicks)} (§5.2; see
 *                                  {@link RaftNode} for why half the paper's spread suffices)
 * @param heartbeatIntervalTicks    how often a leader sends heartbeats; must be well below the election timeout
 * @param maxInflightAppends        pipelined AppendEntries per follower awaiting an answer (flow control)
 * @param maxEntriesPerAppend       entries in one AppendEntries
 * @param maxBytesPerAppend         payload bytes in one AppendEntries (at least one entry is always sent)
 * @param maxUncommittedEntries     proposals a leader accepts beyond its commit index before refusing more
 * @param preVote                   run a pre-vote before a real election (dissertation §9.6)
 * @param checkQuorum               a leader steps down when it has not heard from a quorum within an
 *                                  election timeout, and followers that recently heard from a leader
 *                                  refuse votes (dissertation §6.2, §9.6)
 * @param leaseMarginTicks          0: every linearizable read costs a ReadIndex round (dissertation §6.4).
 *                                  Above 0 (needs checkQuorum): the leader answers reads at once while its
 *                                  lease holds, {@code electionTimeoutTicks - leaseMarginTicks} ticks from the
 *                                  sending of the latest heartbeat a quorum acknowledged (§6.4.1). The
 *                                  margin is the clock-drift assumption: the members' clocks may run at rates
 *                                  that differ by at most {@code leaseMarginTicks / (electionTimeoutTicks -
 *                                  leaseMarginTicks)} (3 of 15 ticks: 25 %), and the driver must count ticks
 *                                  in real time, catching up after a stall before it serves requests
 */
public record RaftConfig(String selfId, int electionTimeoutTicks, int heartbeatIntervalTicks, int maxInflightAppends,
                         int maxEntriesPerAppend, long maxBytesPerAppend, int maxUncommittedEntries,
                         boolean preVote, boolean checkQuorum, int leaseMarginTicks) {

    /** Sensible defaults for a node ticking every 10 to 20 milliseconds. */
    public static RaftConfig defaults(String selfId) {
        return new RaftConfig(selfId, 10, 1, 64, 512, 1 << 20, 100_000, true, true, 0);
    }

    /** With lease reads ({@code ticks} > 0) or without ({@code 0}). */
    public RaftConfig withLeaseMarginTicks(int ticks) {
        return new RaftConfig(selfId, electionTimeoutTicks, heartbeatIntervalTicks, maxInflightAppends,
                maxEntriesPerAppend, maxBytesPerAppend, maxUncommittedEntries, preVote, checkQuorum, ticks);
    }

    /** Whether the leader may answer linearizable reads from its lease. */
    public boolean leaseReads() {
        return leaseMarginTicks > 0;
    }

    public RaftConfig withElectionTimeoutTicks(int ticks) {
        return new RaftConfig(selfId, ticks, heartbeatIntervalTicks, maxInflightAppends, maxEntriesPerAppend,
                maxBytesPerAppend, maxUncommittedEntries, preVote, checkQuorum, leaseMarginTicks);
    }

    public RaftConfig withHeartbeatIntervalTicks(int ticks) {
        return new RaftConfig(selfId, electionTimeoutTicks, ticks, maxInflightAppends, maxEntriesPerAppend,
                maxBytesPerAppend, maxUncommittedEntries, preVote, checkQuorum, leaseMarginTicks);
    }

    public RaftConfig withLimits(int maxInflightAppends, int maxEntriesPerAppend, long maxBytesPerAppend) {
        return new RaftConfig(selfId, electionTimeoutTicks, heartbeatIntervalTicks, maxInflightAppends,
                maxEntriesPerAppend, maxBytesPerAppend, maxUncommittedEntries, preVote, checkQuorum, leaseMarginTicks);
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
        if (leaseMarginTicks < 0 || leaseMarginTicks >= electionTimeoutTicks) {
            problems.add("leaseMarginTicks must be in 0.." + (electionTimeoutTicks - 1) + " (0: no lease reads), was "
                    + leaseMarginTicks);
        }
        if (leaseMarginTicks > 0 && !checkQuorum) {
            problems.add("lease reads (leaseMarginTicks > 0) need checkQuorum: without it followers vote while a "
                    + "leader's lease holds");
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
