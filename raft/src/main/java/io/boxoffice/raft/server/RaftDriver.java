package io.boxoffice.raft.server;

import io.boxoffice.raft.core.Configuration;
import io.boxoffice.raft.core.Entry;
import io.boxoffice.raft.core.Member;
import io.boxoffice.raft.core.Proposal;
import io.boxoffice.raft.core.RaftNode;
import io.boxoffice.raft.core.RaftStatus;
import io.boxoffice.raft.core.ReadState;
import io.boxoffice.raft.core.Ready;
import io.boxoffice.raft.core.Role;
import io.boxoffice.raft.core.Snapshot;
import io.boxoffice.raft.core.SnapshotMeta;
import io.boxoffice.raft.core.SoftState;
import io.boxoffice.raft.core.message.Message;
import io.boxoffice.raft.errors.NotLeaderException;
import io.boxoffice.raft.errors.ProposalDroppedException;
import io.boxoffice.raft.errors.ProposalRejectedException;
import io.boxoffice.raft.errors.RaftException;
import io.boxoffice.raft.storage.LogStore;
import io.boxoffice.raft.storage.PersistBatch;
import io.boxoffice.raft.transport.Transport;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * The single driver thread's loop (STYLE: tick, persist, send, apply, advance). Everything here runs
 * on that thread; other threads only offer to the two bounded queues and read the published status.
 *
 * <p>Group commit falls out of the loop's shape: every proposal queued while the previous batch was
 * being fsynced is appended in one {@code proposeBatch}, and the next Ready persists them all with a
 * single synced write.
 */
final class RaftDriver {

    private static final byte[] NO_RESULT = new byte[0];

    private final RaftServerConfig config;
    private final RaftNode node;
    private final LogStore store;
    private final StateMachine stateMachine;
    private final Transport transport;
    private final ArrayBlockingQueue<Message> inbox;
    private final ArrayBlockingQueue<ClientRequest> requests;
    private final PendingProposals proposals = new PendingProposals();
    private final PendingReads reads = new PendingReads();
    private final long tickNanos;
    private final RaftObserver observer;

    private long appliedIndex;
    private long appliedSinceSnapshot;
    /** Membership as of {@link #appliedIndex}; recorded in the snapshots this node takes. */
    private Configuration appliedConfiguration;
    private Configuration peersConfiguration;
    private Transfer transfer;
    private volatile RaftStatus publishedStatus;

    private record Transfer(String targetId, ClientRequest.TransferLeadership request, long deadlineNanos) {
    }

    RaftDriver(RaftServerConfig config, RaftNode node, LogStore store, StateMachine stateMachine, Transport transport,
               ArrayBlockingQueue<Message> inbox, ArrayBlockingQueue<ClientRequest> requests, Snapshot recovered,
               RaftObserver observer) {
        this.observer = observer;
        this.config = config;
        this.node = node;
        this.store = store;
        this.stateMachine = stateMachine;
        this.transport = transport;
        this.inbox = inbox;
        this.requests = requests;
        this.tickNanos = TimeUnit.MILLISECONDS.toNanos(config.tickMillis());
        this.appliedIndex = recovered == null ? 0 : recovered.meta().index();
        this.appliedConfiguration = recovered == null ? config.bootstrap() : recovered.meta().configuration();
        this.publishedStatus = node.status();
    }

    RaftStatus status() {
        return publishedStatus;
    }

    /** The peer addresses of the node's current configuration, for the transport. */
    Map<String, String> peerAddresses() {
        peersConfiguration = node.configuration();
        Map<String, String> addresses = new LinkedHashMap<>();
        for (Member member : peersConfiguration.members()) {
            addresses.put(member.id(), member.address());
        }
        return addresses;
    }

    /**
     * Runs until {@code running} turns false. Any exception escapes to the caller, which must stop
     * the node: after a storage or state-machine failure nothing here can be trusted.
     */
    void run(BooleanSupplier running) {
        long nextTickNanos = System.nanoTime() + tickNanos;
        while (running.getAsBoolean()) {
            stepInbox();
            serveRequests();
            long now = System.nanoTime();
            if (now - nextTickNanos >= 0) {
                node.tick();
                nextTickNanos = now + tickNanos;
            }
            if (node.hasReady()) {
                handleReady(node.ready());
            }
            afterReady(now);
            if (inbox.isEmpty() && requests.isEmpty() && !node.hasReady()) {
                LockSupport.parkNanos(nextTickNanos - System.nanoTime());
            }
        }
    }

    /** Fails everything still waiting. Call only once the loop stopped, from the thread that ran it or after it. */
    void failAll(Throwable cause) {
        proposals.failAll(cause);
        reads.failAll(cause);
        if (transfer != null) {
            transfer.request.fail(cause);
            transfer = null;
        }
        failQueuedRequests(requests, cause);
    }

    static void failQueuedRequests(ArrayBlockingQueue<ClientRequest> requests, Throwable cause) {
        for (ClientRequest request = requests.poll(); request != null; request = requests.poll()) {
            request.fail(cause);
        }
    }

    private void stepInbox() {
        for (int i = 0; i < config.maxInboxMessages(); i++) {
            Message message = inbox.poll();
            if (message == null) {
                return;
            }
            node.step(message);
        }
    }

    private void serveRequests() {
        List<ClientRequest.Propose> batch = new ArrayList<>();
        for (int i = 0; i < config.maxPendingRequests(); i++) {
            ClientRequest request = requests.poll();
            if (request == null) {
                break;
            }
            if (request instanceof ClientRequest.Propose propose) {
                batch.add(propose);
                continue;
            }
            proposeBatch(batch); // Keep the order in which clients asked.
            switch (request) {
                case ClientRequest.Propose propose -> throw new AssertionError("batched above: " + propose);
                case ClientRequest.ChangeMembership change -> changeMembership(change);
                case ClientRequest.Read<?> read -> startRead(read);
                case ClientRequest.TransferLeadership transferRequest -> startTransfer(transferRequest);
            }
        }
        proposeBatch(batch);
    }

    private void proposeBatch(List<ClientRequest.Propose> batch) {
        if (batch.isEmpty()) {
            return;
        }
        List<byte[]> commands = new ArrayList<>(batch.size());
        batch.forEach(propose -> commands.add(propose.command()));
        try {
            List<Proposal> appended = node.proposeBatch(commands);
            for (int i = 0; i < batch.size(); i++) {
                proposals.add(appended.get(i), batch.get(i).result());
            }
        } catch (RaftException e) {
            batch.forEach(propose -> propose.fail(e));
        }
        batch.clear();
    }

    private void changeMembership(ClientRequest.ChangeMembership change) {
        try {
            proposals.add(node.proposeConfigChange(change.change()), change.result());
        } catch (RaftException e) {
            change.fail(e);
        }
    }

    private void startRead(ClientRequest.Read<?> read) {
        if (read.consistency() == ReadConsistency.STALE) {
            read.serve();
            return;
        }
        long readId = reads.register(read);
        try {
            node.readIndex(readId);
        } catch (RaftException e) {
            reads.forget(readId);
            read.fail(e);
        }
    }

    private void startTransfer(ClientRequest.TransferLeadership request) {
        if (transfer != null) {
            request.fail(new ProposalRejectedException("a leadership transfer to " + transfer.targetId
                    + " is already in progress"));
            return;
        }
        if (node.role() != Role.LEADER) {
            request.fail(new NotLeaderException(node.id(), node.leaderId()));
            return;
        }
        String target = request.targetId() != null ? request.targetId() : mostCaughtUpVoter();
        if (target == null) {
            request.fail(new ProposalRejectedException("no other voter to hand leadership to"));
            return;
        }
        try {
            node.transferLeadership(target);
        } catch (RaftException e) {
            request.fail(e);
            return;
        }
        long timeoutNanos = TimeUnit.MILLISECONDS.toNanos(config.transferTimeoutMillis());
        transfer = new Transfer(target, request, System.nanoTime() + timeoutNanos);
    }

    /** The voter with the highest match index, preferring ones heard from recently. */
    private String mostCaughtUpVoter() {
        return node.status().peers().stream()
                .filter(RaftStatus.PeerProgress::voter)
                .filter(peer -> !peer.id().equals(node.id()))
                .max(Comparator.comparing(RaftStatus.PeerProgress::recentlyActive)
                        .thenComparingLong(RaftStatus.PeerProgress::matchIndex))
                .map(RaftStatus.PeerProgress::id)
                .orElse(null);
    }

    private void handleReady(Ready ready) {
        if (ready.needsPersist()) {
            long writeStart = System.nanoTime();
            store.write(new PersistBatch(ready.hardState(), ready.entriesToPersist(), ready.snapshotToInstall(), true));
            observer.logAppended(ready.entriesToPersist().size(), System.nanoTime() - writeStart);
        }
        for (Message message : ready.messages()) {
            transport.send(message);
        }
        if (ready.snapshotToInstall() != null) {
            restore(ready.snapshotToInstall());
        }
        for (Entry entry : ready.committedEntries()) {
            apply(entry, ready.softState());
        }
        if (!ready.committedEntries().isEmpty()) {
            observer.entriesApplied(ready.committedEntries().size());
        }
        for (ReadState state : ready.readStates()) {
            reads.confirmed(state);
        }
        for (long readId : ready.failedReads()) {
            reads.failed(readId, new NotLeaderException(node.id(), ready.softState().leaderId()));
        }
        reads.serveUpTo(appliedIndex);
        node.advance(ready);
        if (!ready.entriesToPersist().isEmpty() && node.role() != Role.LEADER) {
            proposals.failOverwritten(node::termAt, node.id(), node.leaderId());
        }
    }

    private void restore(Snapshot snapshot) {
        SnapshotMeta meta = snapshot.meta();
        stateMachine.restore(snapshot.data());
        appliedIndex = meta.index();
        appliedConfiguration = meta.configuration();
        appliedSinceSnapshot = 0;
        proposals.coveredBySnapshot(meta.index());
    }

    private void apply(Entry entry, SoftState softState) {
        if (entry.index() != appliedIndex + 1) {
            throw new IllegalStateException("committed entry " + entry + " does not follow applied index "
                    + appliedIndex + ": the core handed out a gap");
        }
        byte[] result = switch (entry.kind()) {
            case COMMAND -> stateMachine.apply(entry.index(), entry.data());
            case CONFIG -> {
                appliedConfiguration = Configuration.decode(entry.data());
                yield NO_RESULT;
            }
            case NOOP -> NO_RESULT;
        };
        appliedIndex = entry.index();
        appliedSinceSnapshot++;
        proposals.applied(entry.index(), entry.term(), result, () -> replacedProposalError(softState));
    }

    /**
     * A proposal of ours lost to another leader's entry. Sent to the leader if we are not it;
     * if we lead again (a later term), the caller may simply retry here.
     */
    private RuntimeException replacedProposalError(SoftState softState) {
        if (softState.role() == Role.LEADER) {
            return new ProposalDroppedException("an entry of an earlier term of this leader was replaced"
                    + " by another leader's entry; retry");
        }
        return new NotLeaderException(node.id(), softState.leaderId());
    }

    private void afterReady(long nowNanos) {
        if (appliedSinceSnapshot >= config.snapshotEveryEntries()) {
            takeSnapshot();
        }
        if (!node.configuration().equals(peersConfiguration)) {
            transport.updatePeers(peerAddresses());
        }
        // Published before the transfer completes, so its caller already sees the new roles.
        publishedStatus = node.status();
        checkTransfer(nowNanos);
    }

    /** Log compaction (§7): durable snapshot first, then the core may forget the entries. */
    private void takeSnapshot() {
        byte[] data = stateMachine.snapshot();
        long term = node.termAt(appliedIndex);
        store.saveSnapshot(new Snapshot(new SnapshotMeta(appliedIndex, term, appliedConfiguration), data));
        node.compact(appliedIndex, data);
        appliedSinceSnapshot = 0;
    }

    private void checkTransfer(long nowNanos) {
        if (transfer == null) {
            return;
        }
        if (node.role() != Role.LEADER && transfer.targetId.equals(node.leaderId())) {
            transfer.request.result().complete(null);
            transfer = null;
        } else if (nowNanos - transfer.deadlineNanos >= 0) {
            transfer.request.fail(new TimeoutException("leadership transfer to " + transfer.targetId
                    + " did not finish within " + config.transferTimeoutMillis() + " ms"));
            transfer = null;
        }
    }
}
