package io.boxoffice.raft.core;

import io.boxoffice.raft.core.message.Message;
import java.util.List;

/**
 * A batch of work the core hands to its driver. The driver must, in this order (STYLE: persist,
 * then send, then apply):
 * <ol>
 *   <li>persist {@link #snapshotToInstall}, {@link #entriesToPersist} and {@link #hardState}
 *       in one write, synced (durable before the next step) when {@link #mustSync}: entries replace any
 *       stored entries from the first one's index on; the snapshot's file (fetched earlier) must be durable
 *       before the write that refers to it;</li>
 *   <li>send {@link #messages} (they may promise what was just persisted, e.g. a vote);</li>
 *   <li>restore the state machine from {@link #snapshotToInstall} if set, then apply
 *       {@link #committedEntries} in order, then serve {@link #readStates};</li>
 *   <li>start copying {@link #snapshotToFetch} if set (it replaces any copy in progress);</li>
 *   <li>call {@link RaftNode#advance(Ready)} with this same object.</li>
 * </ol>
 *
 * @param hardState         hard state to persist, or {@code null} if unchanged
 * @param entriesToPersist  entries to write (possibly overwriting a conflicting suffix)
 * @param snapshotToInstall snapshot fetched from the leader, to install, or {@code null}
 * @param snapshotToFetch   snapshot to copy from the leader, or {@code null}
 * @param messages          messages to send after persisting
 * @param committedEntries  entries now committed and persisted locally, ready to apply, in order
 * @param readStates        linearizable reads confirmed by a quorum: serve once applied ≥ index
 * @param failedReads       read ids that cannot be confirmed (leadership lost)
 * @param softState         role, leader and term after this batch (for routing and metrics)
 * @param mustSync          whether the write must be durable before anything is sent or applied: it holds
 *                          entries, a snapshot, or a new term or vote. A hard state that moves only the commit
 *                          index may be written without a sync, as etcd's {@code MustSync} does: the commit index
 *                          is volatile state in Raft (Figure 2), a restarted node learns it again from the leader,
 *                          and every entry applied before a crash was synced before it was applied, so recovery
 *                          raises a lost commit index to the state machine's applied index (see
 *                          {@link InitialState#appliedIndex}). This takes one fsync off the leader's path from
 *                          commit to apply, i.e. off every request's latency.
 */
public record Ready(HardState hardState, List<Entry> entriesToPersist, SnapshotMeta snapshotToInstall,
                    SnapshotFetch snapshotToFetch, List<Message> messages, List<Entry> committedEntries,
                    List<ReadState> readStates, List<Long> failedReads, SoftState softState,
                    boolean mustSync) {

    public Ready {
        entriesToPersist = List.copyOf(entriesToPersist);
        messages = List.copyOf(messages);
        committedEntries = List.copyOf(committedEntries);
        readStates = List.copyOf(readStates);
        failedReads = List.copyOf(failedReads);
        if (!mustSync && (!entriesToPersist.isEmpty() || snapshotToInstall != null)) {
            throw new IllegalArgumentException("entries and snapshots are always written with a sync");
        }
    }

    /** {@code true} when the batch needs a write to stable storage. */
    public boolean needsPersist() {
        return hardState != null || !entriesToPersist.isEmpty() || snapshotToInstall != null;
    }
}
