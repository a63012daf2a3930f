package io.boxoffice.raft.server;

import io.boxoffice.raft.core.Proposal;
import io.boxoffice.raft.errors.NotLeaderException;
import io.boxoffice.raft.errors.ProposalDroppedException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongUnaryOperator;
import java.util.function.Supplier;

/**
 * Proposals appended to the log whose outcome is not known yet, by log index. A proposal succeeds
 * iff the entry applied at its index carries its term (§5.3, Log Matching); otherwise another
 * leader's entry replaced it. Driver thread only.
 */
final class PendingProposals {

    private record Pending(long term, CompletableFuture<Object> result) {
    }

    private final TreeMap<Long, Pending> byIndex = new TreeMap<>();

    void add(Proposal proposal, CompletableFuture<Object> result) {
        Pending previous = byIndex.put(proposal.index(), new Pending(proposal.term(), result));
        if (previous != null) {
            // Our own earlier entry at this index was overwritten before we noticed.
            previous.result.completeExceptionally(new ProposalDroppedException("entry " + proposal.index()
                    + " of term " + previous.term + " was replaced by a newer leader's entry; retry"));
        }
    }

    int size() {
        return byIndex.size();
    }

    /**
     * The entry at {@code index} with {@code term} was applied with {@code result}. Proposals at or
     * below it with another term were replaced by a newer leader's entries: they fail with
     * {@code replaced}, which tells the caller where to retry.
     */
    void applied(long index, long term, Object result, Supplier<RuntimeException> replaced) {
        var settled = byIndex.headMap(index, true);
        for (Map.Entry<Long, Pending> entry : settled.entrySet()) {
            Pending pending = entry.getValue();
            if (entry.getKey() == index && pending.term == term) {
                pending.result.complete(result);
            } else {
                pending.result.completeExceptionally(replaced.get());
            }
        }
        settled.clear();
    }

    /**
     * After this node lost leadership and its log changed: fails every proposal whose entry is no
     * longer in the log with its term, pointing the caller to the new leader.
     */
    void failOverwritten(LongUnaryOperator termAt, String selfId, String leaderId) {
        var it = byIndex.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Long, Pending> entry = it.next();
            if (termAt.applyAsLong(entry.getKey()) != entry.getValue().term) {
                entry.getValue().result.completeExceptionally(new NotLeaderException(selfId, leaderId));
                it.remove();
            }
        }
    }

    /** Fails every proposal at or below {@code index}: a snapshot replaced them, outcome unknown. */
    void coveredBySnapshot(long index) {
        var covered = byIndex.headMap(index, true);
        for (Pending pending : covered.values()) {
            pending.result.completeExceptionally(new ProposalDroppedException("a snapshot from the leader"
                    + " replaced the log up to " + index + "; the outcome is unknown, retry with the same"
                    + " idempotency key"));
        }
        covered.clear();
    }

    void failAll(Throwable cause) {
        for (Pending pending : byIndex.values()) {
            pending.result.completeExceptionally(cause);
        }
        byIndex.clear();
    }
}
