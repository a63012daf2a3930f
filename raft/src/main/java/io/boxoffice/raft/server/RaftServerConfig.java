package io.boxoffice.raft.server;

import io.boxoffice.raft.core.Configuration;
import io.boxoffice.raft.core.RaftConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Settings of a {@link RaftServer}. Validated as a whole at construction of the server.
 *
 * @param raft                  the core's tunables (its times are in ticks)
 * @param bootstrap             initial membership of a brand-new cluster; {@link Configuration#EMPTY}
 *                              for a node that joins an existing cluster as a learner
 * @param tickMillis            length of one Raft tick
 * @param maxInboxMessages      peer messages buffered for the driver; more are dropped (Raft re-sends)
 * @param maxPendingRequests    client requests buffered for the driver; more are rejected at once
 * @param maxCommandBytes       largest command accepted by {@link RaftServer#propose}
 * @param snapshotEveryEntries  entries applied between two state-machine snapshots (log compaction)
 * @param snapshotCatchUpEntries entries kept in the log below each snapshot, so that a follower lagging by
 *                              fewer than this catches up from the log instead of copying a whole snapshot
 * @param transferTimeoutMillis how long a leadership transfer may take before it fails
 * @param randomSeed            seed of the election-timeout randomness handed to the core
 * @param snapshotMinLogRatio   after a snapshot file (a state held in memory; local snapshots do not count), the
 *                              next snapshot also waits until the entries applied since hold at least this many
 *                              times that file's size in bytes: writing snapshot files then costs at most 1/ratio
 *                              of the log's own writes (a full copy every few thousand entries does not scale);
 *                              0 turns this off
 * @param snapshotMaxLogBytes   ...but never beyond this many bytes of entries since the last snapshot: the core
 *                              holds the log after its start in memory, so this bounds that memory
 */
public record RaftServerConfig(RaftConfig raft, Configuration bootstrap, long tickMillis, int maxInboxMessages,
                               int maxPendingRequests, int maxCommandBytes, long snapshotEveryEntries,
                               long snapshotCatchUpEntries, long transferTimeoutMillis, long randomSeed,
                               double snapshotMinLogRatio, long snapshotMaxLogBytes) {

    public RaftServerConfig {
        Objects.requireNonNull(raft, "raft");
        Objects.requireNonNull(bootstrap, "bootstrap");
    }

    /**
     * Defaults: 10 ms ticks, so elections time out after 100 to 200 ms with {@link RaftConfig#defaults}; a
     * snapshot every 10,000 entries whatever the state's size (a deployment sets snapshotMinLogRatio).
     */
    public static RaftServerConfig defaults(String selfId, Configuration bootstrap) {
        return new RaftServerConfig(RaftConfig.defaults(selfId), bootstrap, 10, 16_384, 16_384, 1 << 20,
                10_000, 5_000, 3_000, System.nanoTime(), 0.0, 64L << 20);
    }

    public String selfId() {
        return raft.selfId();
    }

    public RaftServerConfig withSnapshotEveryEntries(long entries) {
        return new RaftServerConfig(raft, bootstrap, tickMillis, maxInboxMessages, maxPendingRequests,
                maxCommandBytes, entries, snapshotCatchUpEntries, transferTimeoutMillis, randomSeed, snapshotMinLogRatio, snapshotMaxLogBytes);
    }

    /** Entries kept below each snapshot for lagging followers. */
    public RaftServerConfig withSnapshotCatchUpEntries(long entries) {
        return new RaftServerConfig(raft, bootstrap, tickMillis, maxInboxMessages, maxPendingRequests,
                maxCommandBytes, snapshotEveryEntries, entries, transferTimeoutMillis, randomSeed, snapshotMinLogRatio, snapshotMaxLogBytes);
    }

    public RaftServerConfig withMaxPendingRequests(int requests) {
        return new RaftServerConfig(raft, bootstrap, tickMillis, maxInboxMessages, requests, maxCommandBytes,
                snapshotEveryEntries, snapshotCatchUpEntries, transferTimeoutMillis, randomSeed, snapshotMinLogRatio, snapshotMaxLogBytes);
    }

    public RaftServerConfig withRandomSeed(long seed) {
        return new RaftServerConfig(raft, bootstrap, tickMillis, maxInboxMessages, maxPendingRequests,
                maxCommandBytes, snapshotEveryEntries, snapshotCatchUpEntries, transferTimeoutMillis, seed, snapshotMinLogRatio, snapshotMaxLogBytes);
    }

    public RaftServerConfig withSnapshotMaxLogBytes(long bytes) {
        return new RaftServerConfig(raft, bootstrap, tickMillis, maxInboxMessages, maxPendingRequests,
                maxCommandBytes, snapshotEveryEntries, snapshotCatchUpEntries, transferTimeoutMillis, randomSeed,
                snapshotMinLogRatio, bytes);
    }

    public RaftServerConfig withSnapshotMinLogRatio(double ratio) {
        return new RaftServerConfig(raft, bootstrap, tickMillis, maxInboxMessages, maxPendingRequests,
                maxCommandBytes, snapshotEveryEntries, snapshotCatchUpEntries, transferTimeoutMillis, randomSeed,
                ratio, snapshotMaxLogBytes);
    }

    /** Every problem with these settings, each with the fix; empty when valid. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>(raft.problems());
        if (tickMillis < 1 || tickMillis > 1_000) {
            problems.add("tickMillis must be in [1, 1000], was " + tickMillis);
        }
        if (maxInboxMessages < 16) {
            problems.add("maxInboxMessages must be >= 16, was " + maxInboxMessages);
        }
        if (maxPendingRequests < 1) {
            problems.add("maxPendingRequests must be >= 1, was " + maxPendingRequests);
        }
        if (maxCommandBytes < 1) {
            problems.add("maxCommandBytes must be >= 1, was " + maxCommandBytes);
        }
        if (snapshotEveryEntries < 1) {
            problems.add("snapshotEveryEntries must be >= 1, was " + snapshotEveryEntries);
        }
        if (snapshotCatchUpEntries < 0) {
            problems.add("snapshotCatchUpEntries must be >= 0, was " + snapshotCatchUpEntries);
        }
        if (snapshotMaxLogBytes < 1) {
            problems.add("snapshotMaxLogBytes must be >= 1, was " + snapshotMaxLogBytes);
        }
        if (!(snapshotMinLogRatio >= 0 && snapshotMinLogRatio <= 1_000)) {
            problems.add("snapshotMinLogRatio must be in [0, 1000], was " + snapshotMinLogRatio);
        }
        long electionTimeoutMillis = tickMillis * raft.electionTimeoutTicks();
        if (transferTimeoutMillis < electionTimeoutMillis) {
            problems.add("transferTimeoutMillis (" + transferTimeoutMillis + ") must be at least one election"
                    + " timeout (" + electionTimeoutMillis + " ms), or transfers fail before they can finish");
        }
        return problems;
    }

    /** Throws {@link IllegalArgumentException} listing every problem at once. */
    public RaftServerConfig validated() {
        List<String> problems = problems();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid Raft server configuration: " + String.join("; ", problems));
        }
        return this;
    }
}
