package io.boxoffice.raft.server;

import io.boxoffice.raft.core.Configuration;
import io.boxoffice.raft.core.Entry;
import io.boxoffice.raft.core.LogStart;
import io.boxoffice.raft.core.Member;
import io.boxoffice.raft.core.Proposal;
import io.boxoffice.raft.core.RaftNode;
import io.boxoffice.raft.core.RaftStatus;
import io.boxoffice.raft.core.ReadState;
import io.boxoffice.raft.core.Ready;
import io.boxoffice.raft.core.Role;
import io.boxoffice.raft.core.SnapshotMeta;
import io.boxoffice.raft.core.SoftState;
import io.boxoffice.raft.core.message.InstallSnapshot;
import io.boxoffice.raft.core.message.Message;
import io.boxoffice.raft.errors.NotLeaderException;
import io.boxoffice.raft.errors.ProposalDroppedException;
import io.boxoffice.raft.errors.ProposalRejectedException;
import io.boxoffice.raft.errors.RaftException;
import io.boxoffice.raft.errors.StorageException;
import io.boxoffice.raft.storage.LogStore;
import io.boxoffice.raft.storage.PersistBatch;
import io.boxoffice.raft.storage.SnapshotStore;
import io.boxoffice.raft.transport.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.jboss.logging.Logger;

/**
 * The single driver thread's loop (STYLE: tick, persist, send, apply, advance; a leader sends its appends
 * before its own fsync, see {@link #handleReady}). Everything here runs on that thread; other threads only
 * offer to the bounded queues and read the published status.
 *
 * <p>Group commit falls out of the loop's shape: every proposal queued while the previous batch was
 * being fsynced is appended in one {@code proposeBatch}, and the next Ready persists them all with a
 * single synced write.
 *
 * <p>Snapshots never stall the loop (§7): the state machine's {@link StateMachine#capture()} is cheap, the
 * snapshot is taken on the snapshot executor, and the log is compacted when the driver hears it is durable. A
 * state with storage of its own is snapshotted locally by a sync of that storage (no copy, as etcd does); a
 * snapshot <em>file</em> of the whole state is written only when a follower needs one (see
 * {@link #snapshotFileNeeded}) or when the state lives in memory. A follower copies a leader's snapshot on the
 * transport's fetch thread and installs it here once verified.
 *
 * <p>Time comes from the injected clock and background work from the injected executor, so a simulator can
 * drive this very loop deterministically with {@link #runOnce(long)}.
 */
final class RaftDriver {

    private static final Logger LOG = Logger.getLogger(RaftDriver.class);
    private static final Object NO_RESULT = new Object();
    /** Completions from other threads (snapshot written, copy done): at most one of each is outstanding. */
    private static final int MAX_PENDING_COMPLETIONS = 16;

    private final RaftServerConfig config;
    /** This member's share of {@link RaftServerConfig#snapshotMaxLogBytes}: see {@link #staggeredMaxLogBytes}. */
    private final long snapshotMaxLogBytes;
    private final RaftNode node;
    private final LogStore store;
    private final SnapshotStore snapshots;
    private final StateMachine<?> stateMachine;
    private final java.util.concurrent.locks.ReentrantLock stateLock;
    private final Transport transport;
    private final ArrayBlockingQueue<Message> inbox;
    private final ArrayBlockingQueue<ClientRequest> requests;
    private final ArrayBlockingQueue<Runnable> completions = new ArrayBlockingQueue<>(MAX_PENDING_COMPLETIONS);
    private final PendingProposals proposals = new PendingProposals();
    private final PendingReads reads = new PendingReads();
    private final long tickNanos;
    private final RaftObserver observer;
    private final LongSupplier clock;
    private final Executor snapshotExecutor;
    private final Runnable wakeUp;
    private final SnapshotFetcher fetcher;

    private long appliedIndex;
    /**
     * Time one loop spends applying committed entries before it ticks and sends again (the rest wait for the next
     * loop): well under the 30 ms heartbeat interval plus the 300 ms election timeout. Under full load on two
     * cores one command took 3-7 ms to apply and a leader applying 14 entries went 373 ms without heartbeats.
     */
    static final long APPLY_BUDGET_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
        /** A new leader slower than this to apply its first entry logs its followers' progress too. */
    static final long LEADER_SERVING_SLOW_MILLIS = 50;
    private long appliedSinceSnapshot;
    /** Bytes of the entries applied since the last snapshot, against {@link #lastSnapshotBytes}. */
    private long appliedBytesSinceSnapshot;
    /** Size of this node's latest snapshot file (0: none yet). */
    private long lastSnapshotBytes;
    private boolean snapshotInProgress;
    /**
     * A follower was offered our latest snapshot and we hold it only locally (no file): the next snapshot this
     * node takes is written to a file, at once.
     */
    private boolean snapshotFileWanted;
    /**
     * When each peer was last heard from (any message), to tell a follower that answers from one that is down. The
     * core's recentlyActive flag cannot: it is cleared every election timeout, the same tick a snapshot offer is
     * repeated. Bounded by the members ever seen.
     */
    private final Map<String, Long> lastHeardNanos = new java.util.HashMap<>();
    /** An election timeout: a peer heard from within it is up. */
    private final long peerUpNanos;
    /** Membership as of {@link #appliedIndex}; recorded in the snapshots this node takes. */
    private Configuration appliedConfiguration;
    private Configuration peersConfiguration;
    private Transfer transfer;
    private long nextTickNanos;
    private final Phases phases = new Phases();
    /** Half an election timeout: a loop this long may make followers start a pre-vote. */
    private final long slowLoopNanos;
    private long lastSlowLoopReportNanos;
    private int slowLoopsSinceReport;
    /** The longest slow loop not reported yet, and where its time went; null when none is waiting. */
    private String longestSlowLoop;
    private long longestSlowLoopNanos;
    static final long SLOW_LOOP_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
    private SoftState lastSoftState;
    /** When this node last won an election, while its first entry of that term is not applied yet; else -1. */
    private long electedAtNanos = -1;
    /** The last index when this node won (its no-op, §8): applied means the new leader serves. */
    private long firstIndexAsLeader;
    private volatile RaftStatus publishedStatus;

    private record Transfer(String targetId, ClientRequest.TransferLeadership request, long deadlineNanos) {
    }

    /**
     * What the driver works with besides its queues; see {@link RaftServer}.
     *
     * @param stateLock held by whoever touches the state machine: this driver while it restores, applies, captures or
     *                  serves a read, and {@link RaftServer#read} while it serves a stale read on the caller's thread
     */
    record Collaborators(LogStore store, SnapshotStore snapshots, StateMachine<?> stateMachine, Transport transport,
                         RaftObserver observer, LongSupplier clock, Executor snapshotExecutor, Runnable wakeUp,
                         java.util.concurrent.locks.ReentrantLock stateLock) {
    }

    RaftDriver(RaftServerConfig config, RaftNode node, Collaborators with, ArrayBlockingQueue<Message> inbox,
               ArrayBlockingQueue<ClientRequest> requests, long recoveredAppliedIndex,
               Configuration recoveredConfiguration) {
        this.config = config;
        this.snapshotMaxLogBytes = staggeredMaxLogBytes(config.snapshotMaxLogBytes(), config.raft().selfId());
        this.node = node;
        this.store = with.store();
        this.snapshots = with.snapshots();
        this.stateMachine = with.stateMachine();
        this.stateLock = with.stateLock();
        this.transport = with.transport();
        this.observer = with.observer();
        this.clock = with.clock();
        this.snapshotExecutor = with.snapshotExecutor();
        this.wakeUp = with.wakeUp();
        this.inbox = inbox;
        this.requests = requests;
        this.tickNanos = TimeUnit.MILLISECONDS.toNanos(config.tickMillis());
        this.slowLoopNanos = tickNanos * config.raft().electionTimeoutTicks() / 2;
        this.peerUpNanos = tickNanos * config.raft().electionTimeoutTicks();
        this.appliedIndex = recoveredAppliedIndex;
        this.appliedConfiguration = recoveredConfiguration;
        this.fetcher = new SnapshotFetcher(config.selfId(), transport, snapshots,
                (meta, copied) -> complete(() -> snapshotCopied(meta, copied)));
        this.publishedStatus = node.status();
        this.lastSoftState = new SoftState(node.role(), node.currentTerm(), node.leaderId());
        this.nextTickNanos = clock.getAsLong() + tickNanos;
        SnapshotMeta latest = node.latestSnapshot();
        this.lastSnapshotBytes = latest != null && snapshots.contains(latest) ? snapshots.sizeOf(latest) : 0;
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
        while (running.getAsBoolean()) {
            boolean busy = runOnce(clock.getAsLong());
            if (!busy) {
                long waitNanos = nextTickNanos - clock.getAsLong();
                if (waitNanos > 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(waitNanos);
                }
            }
        }
    }

    /**
     * One iteration of the loop at time {@code nowNanos}: completions, peer messages, the ticks that are
     * due, client requests, then the Ready. Returns whether work is still waiting (the caller should not sleep).
     */
    boolean runOnce(long nowNanos) {
        phases.reset();
        runCompletions();
        stepInbox();
        tickAsDue(nowNanos);
        serveRequests();
        phases.stepped = clock.getAsLong();
        if (node.hasReady()) {
            handleReady(node.ready());
        }
        afterReady(nowNanos);
        long loopNanos = clock.getAsLong() - nowNanos;
        observer.loopIteration(loopNanos);
        if (loopNanos >= slowLoopNanos) {
            recordSlowLoop(nowNanos, loopNanos);
        }
        if (longestSlowLoop != null && (lastSlowLoopReportNanos == 0
                || clock.getAsLong() - lastSlowLoopReportNanos >= SLOW_LOOP_LOG_INTERVAL_NANOS)) {
            reportSlowLoops();
        }
        return !inbox.isEmpty() || !requests.isEmpty() || !completions.isEmpty() || node.hasReady();
    }

    /**
     * Tells the core how many ticks of real time passed, before any request is served: after a stall (a GC
     * pause, a slow fsync) a leader's lease has run out in real time, so it must not answer a read from it
     * (§6.4.1). Messages that arrived meanwhile were stepped first. The core's timers still move one tick per
     * loop (see {@link RaftNode#tick(long)}).
     */
    private void tickAsDue(long nowNanos) {
        if (nowNanos - nextTickNanos < 0) {
            return;
        }
        long elapsedTicks = 1 + (nowNanos - nextTickNanos) / tickNanos;
        node.tick(elapsedTicks);
        nextTickNanos = nowNanos + tickNanos;
    }

    /**
     * Where slow loops spent their time, as etcd warns "apply request took too long": a loop longer than half an
     * election timeout delays heartbeats enough to start elections, and this says whether the disk, the state
     * machine or the peers' inbox was the cause. At most one line every {@link #SLOW_LOOP_LOG_INTERVAL_NANOS}, for
     * the longest loop of that window (the first of a window hid the stall that cost a leadership in the soak).
     */
    private void recordSlowLoop(long startNanos, long loopNanos) {
        slowLoopsSinceReport++;
        if (longestSlowLoop != null && loopNanos <= longestSlowLoopNanos) {
            return;
        }
        longestSlowLoopNanos = loopNanos;
        longestSlowLoop = String.format("%d ms: messages, requests and ticks %d ms; persist %d ms (%d entries, fsync);"
                        + " send %d ms (%d messages); apply %d ms (%d entries); the rest %d ms",
                TimeUnit.NANOSECONDS.toMillis(loopNanos), TimeUnit.NANOSECONDS.toMillis(phases.stepped - startNanos),
                TimeUnit.NANOSECONDS.toMillis(phases.persistNanos), phases.persistedEntries,
                TimeUnit.NANOSECONDS.toMillis(phases.sendNanos), phases.messages,
                TimeUnit.NANOSECONDS.toMillis(phases.applyNanos), phases.appliedEntries,
                TimeUnit.NANOSECONDS.toMillis(loopNanos - (phases.stepped - startNanos) - phases.persistNanos
                        - phases.sendNanos - phases.applyNanos));
    }

    private void reportSlowLoops() {
        LOG.warnf("%s: %d driver loop(s) over %d ms since the last report; the longest took %s", node.id(),
                slowLoopsSinceReport, TimeUnit.NANOSECONDS.toMillis(slowLoopNanos), longestSlowLoop);
        lastSlowLoopReportNanos = clock.getAsLong();
        slowLoopsSinceReport = 0;
        longestSlowLoop = null;
        longestSlowLoopNanos = 0;
    }

    /** Time spent in each phase of the current loop. */
    private static final class Phases {
        long stepped;
        long persistNanos;
        long sendNanos;
        long applyNanos;
        int persistedEntries;
        int appliedEntries;
        int messages;

        void reset() {
            stepped = 0;
            persistNanos = 0;
            sendNanos = 0;
            applyNanos = 0;
            persistedEntries = 0;
            appliedEntries = 0;
            messages = 0;
        }
    }

    /** Fails everything still waiting. Call only once the loop stopped, from the thread that ran it or after it. */
    void failAll(Throwable cause) {
        fetcher.cancel();
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

    /** Hands {@code task} to the driver thread from another thread. */
    private void complete(Runnable task) {
        if (!completions.offer(task)) {
            // At most one snapshot write and one copy are outstanding, so this is a bug, not load.
            throw new IllegalStateException("driver completion queue full (" + MAX_PENDING_COMPLETIONS + ")");
        }
        wakeUp.run();
    }

    private void runCompletions() {
        for (int i = 0; i < MAX_PENDING_COMPLETIONS; i++) {
            Runnable task = completions.poll();
            if (task == null) {
                return;
            }
            task.run();
        }
    }

    private void stepInbox() {
        for (int i = 0; i < config.maxInboxMessages(); i++) {
            Message message = inbox.poll();
            if (message == null) {
                return;
            }
            lastHeardNanos.put(message.from(), clock.getAsLong());
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
            stateLock.lock();
            try {
                read.serve();
            } finally {
                stateLock.unlock();
            }
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
        transfer = new Transfer(target, request, clock.getAsLong() + timeoutNanos);
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
        // A leader's messages go out before its own fsync (thesis §10.2.1, "write to the leader's disk in
        // parallel"): followers persist the new entries while the leader does. Safe because the core counts
        // the leader's own copy towards the commit index only after advance(), i.e. after this persist, so
        // no message of this Ready can announce a commit that the leader's disk does not hold yet. Every
        // other role persists first: its votes and acknowledgements promise what is on its disk.
        boolean sendFirst = ready.softState().role() == Role.LEADER;
        long sendNanos = 0;
        if (sendFirst) {
            sendNanos = send(ready);
        }
        long persistStart = clock.getAsLong();
        if (ready.needsPersist()) {
            // Synced unless only the commit index moved (Ready#mustSync): that write needs no fsync before apply.
            store.write(new PersistBatch(ready.hardState(), ready.entriesToPersist(), ready.snapshotToInstall(),
                    ready.mustSync()));
            observer.logAppended(ready.entriesToPersist().size(), clock.getAsLong() - persistStart);
        }
        long persistNanos = clock.getAsLong() - persistStart;
        if (!sendFirst) {
            sendNanos = send(ready);
        }
        long applyStart = clock.getAsLong();
        int appliedCount;
        stateLock.lock();
        try {
            appliedCount = restoreAndApply(ready, applyStart);
            // Under the same lock: a read is served on the state it waited for, before the next apply.
            for (ReadState state : ready.readStates()) {
                reads.confirmed(state);
            }
            for (long readId : ready.failedReads()) {
                reads.failed(readId, new NotLeaderException(node.id(), ready.softState().leaderId()));
            }
            reads.serveUpTo(appliedIndex);
        } finally {
            stateLock.unlock();
        }
        long applyEnd = clock.getAsLong();
        phases.persistNanos += persistNanos;
        phases.sendNanos += sendNanos;
        phases.applyNanos += applyEnd - applyStart;
        phases.persistedEntries += ready.entriesToPersist().size();
        phases.appliedEntries += appliedCount;
        phases.messages += ready.messages().size();
        if (ready.snapshotToFetch() != null) {
            fetcher.start(ready.snapshotToFetch());
        }
        node.advance(ready, appliedIndex);
        if (!ready.entriesToPersist().isEmpty() && node.role() != Role.LEADER) {
            proposals.failOverwritten(node::termAt, node.id(), node.leaderId());
        }
    }

    /** Restores the Ready's snapshot if any, then applies its committed entries within the loop's budget. */
    private int restoreAndApply(Ready ready, long applyStart) {
        if (ready.snapshotToInstall() != null) {
            restore(ready.snapshotToInstall());
        }
        // Applies until the loop's budget is spent (at least one entry): the rest come in the next Ready, after
        // this loop has ticked and sent again, so a slow apply never keeps a leader's heartbeats waiting long.
        List<Entry> committed = ready.committedEntries();
        int appliedCount = 0;
        for (Entry entry : committed) {
            apply(entry, ready.softState());
            appliedCount++;
            if (clock.getAsLong() - applyStart >= APPLY_BUDGET_NANOS) {
                break;
            }
        }
        if (appliedCount > 0) {
            stateMachine.endBatch(appliedIndex);
            observer.entriesApplied(appliedCount);
        }
        return appliedCount;
    }

    /**
     * Hands the Ready's messages to the transport; returns the time it took. An offer of a snapshot this node
     * holds only locally (in its state's synced storage, no file) is held back, as if lost: see
     * {@link #snapshotFileNeeded}.
     */
    private long send(Ready ready) {
        long start = clock.getAsLong();
        for (Message message : ready.messages()) {
            if (message instanceof InstallSnapshot offer && !snapshots.contains(offer.meta())) {
                snapshotFileNeeded(offer);
                continue;
            }
            transport.send(message);
        }
        return clock.getAsLong() - start;
    }

    /**
     * A follower fell behind the log start and must copy a snapshot (§7), but the latest is local: the next
     * snapshot is written to a file, at once. The core repeats its offer after an election timeout, by then
     * naming that file. Only for a follower that answers (it hears heartbeats in this state): a member that is
     * down costs no copy of the state until it is back. So the whole state is copied once per follower that
     * fell behind, instead of by every member every few thousand entries.
     */
    private void snapshotFileNeeded(InstallSnapshot offer) {
        if (snapshotFileWanted) {
            return;
        }
        if (heardRecently(offer.to())) {
            snapshotFileWanted = true;
            LOG.infof("%s: %s must copy a snapshot, and snapshot %d is only in this node's state storage: writing"
                    + " a snapshot file", node.id(), offer.to(), offer.meta().index());
        }
    }

    /** Installs a snapshot copied from the leader: its file is durable, the log store already points at it. */
    private void restore(SnapshotMeta meta) {
        long start = clock.getAsLong();
        try (InputStream payload = snapshots.openPayload(meta)) {
            stateMachine.restore(meta.index(), payload);
        } catch (IOException e) {
            throw new StorageException("cannot install snapshot " + meta.index() + ": " + e.getMessage(), e);
        }
        appliedIndex = meta.index();
        appliedConfiguration = meta.configuration();
        appliedSinceSnapshot = 0;
        appliedBytesSinceSnapshot = 0;
        proposals.coveredBySnapshot(meta.index());
        snapshots.retainOnly(meta);
        snapshotExecutor.execute(snapshots::deleteRetired);
        long sizeBytes = snapshots.sizeOf(meta);
        lastSnapshotBytes = sizeBytes;
        observer.snapshotInstalled(meta.index(), sizeBytes, clock.getAsLong() - start);
        LOG.infof("%s: installed snapshot %d (term %d, %d bytes) in %d ms", node.id(), meta.index(), meta.term(),
                sizeBytes, TimeUnit.NANOSECONDS.toMillis(clock.getAsLong() - start));
    }

    private void apply(Entry entry, SoftState softState) {
        if (entry.index() != appliedIndex + 1) {
            throw new IllegalStateException("committed entry " + entry + " does not follow applied index "
                    + appliedIndex + ": the core handed out a gap");
        }
        Object result = switch (entry.kind()) {
            case COMMAND -> stateMachine.apply(entry.index(), entry.data());
            case CONFIG -> {
                appliedConfiguration = Configuration.decode(entry.data());
                yield NO_RESULT;
            }
            case NOOP -> NO_RESULT;
        };
        appliedIndex = entry.index();
        appliedSinceSnapshot++;
        appliedBytesSinceSnapshot += entry.data().length;
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
        maybeStartSnapshot();
        if (!node.configuration().equals(peersConfiguration)) {
            transport.updatePeers(peerAddresses());
        }
        logRoleChange();
        logLeaderServing();
        // Published before the transfer completes, so its caller already sees the new roles.
        publishedStatus = node.status();
        checkTransfer(nowNanos);
    }

    private void logRoleChange() {
        SoftState now = new SoftState(node.role(), node.currentTerm(), node.leaderId());
        if (now.role() != lastSoftState.role() || !java.util.Objects.equals(now.leaderId(), lastSoftState.leaderId())) {
            LOG.infof("%s: %s -> %s in term %d, leader %s: %s", node.id(), lastSoftState.role(), now.role(), now.term(),
                    now.leaderId() == null ? "unknown" : now.leaderId(), node.roleChangeReason());
            observer.roleChanged(lastSoftState.role(), now.role(), now.term(), now.leaderId(), node.roleChangeReason());
            boolean elected = now.role() == Role.LEADER && lastSoftState.role() != Role.LEADER;
            electedAtNanos = elected ? clock.getAsLong() : -1;
            firstIndexAsLeader = node.lastIndex();
        }
        lastSoftState = now;
    }

    /**
     * One line per won election when the new leader's first entry (§8) is applied: from then on it commits and
     * reads. The time from winning to here is part of every failover; when it is long the followers' progress
     * says who kept it waiting.
     */
    private void logLeaderServing() {
        if (electedAtNanos < 0 || appliedIndex < firstIndexAsLeader) {
            return;
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(clock.getAsLong() - electedAtNanos);
        electedAtNanos = -1;
        if (millis < LEADER_SERVING_SLOW_MILLIS) {
            LOG.infof("%s: leader of term %d serving: its first entry %d applied %d ms after the election", node.id(),
                    node.currentTerm(), firstIndexAsLeader, millis);
        } else {
            LOG.infof("%s: leader of term %d serving: its first entry %d applied %d ms after the election (slow;"
                    + " followers: %s)", node.id(), node.currentTerm(), firstIndexAsLeader, millis,
                    node.status().peers());
        }
    }

    /**
     * The log-bytes cap on the gap between two snapshots, scaled by a fraction in [{@value #SNAPSHOT_STAGGER_MIN},
     * 1] fixed by the member's id. Every member applies the same entries, so with one cap they all reached it at
     * the same index and wrote their (state-sized) snapshots at the same moment: in the 1,000,000-booking soak
     * three 1.4 GB snapshots at once on one machine, during which a follower stopped hearing its leader and
     * elected another. With different caps the members drift apart and seldom write at the same time; never
     * above the configured cap, which bounds the log the core holds in memory.
     */
    static long staggeredMaxLogBytes(long maxLogBytes, String memberId) {
        // Spread the id's hash over [0, 1) (the low bits of String.hashCode are poorly mixed for similar ids).
        long mixed = memberId.hashCode() * 0x9E3779B97F4A7C15L;
        double unit = (mixed >>> 11) * 0x1.0p-53;
        long staggered = (long) (maxLogBytes * (SNAPSHOT_STAGGER_MIN + (1 - SNAPSHOT_STAGGER_MIN) * unit));
        return Math.max(1, Math.min(maxLogBytes, staggered));
    }

    /** The smallest fraction of the configured log-bytes cap a member snapshots at. */
    static final double SNAPSHOT_STAGGER_MIN = 0.6;

    /**
     * Log compaction (§7), step one: capture the state (cheap, here) and take the snapshot on the snapshot
     * executor, locally or to a file. Step two runs here when it is durable: {@link #snapshotTaken}.
     */
    private void maybeStartSnapshot() {
        if (snapshotInProgress) {
            return;
        }
        SnapshotMeta latest = node.latestSnapshot();
        if (snapshotFileWanted && node.role() != Role.LEADER) {
            snapshotFileWanted = false; // Lost leadership meanwhile: the new leader serves the follower.
        }
        if (snapshotFileWanted) {
            boolean unchanged = latest != null && latest.index() == appliedIndex;
            startSnapshot(unchanged ? latest : new SnapshotMeta(appliedIndex, node.termAt(appliedIndex),
                    appliedConfiguration), true);
            return;
        }
        if (appliedSinceSnapshot < config.snapshotEveryEntries()) {
            return;
        }
        // Thin snapshot files out as the state grows (each one copies all of it), but not past the log bytes the
        // core may hold in memory. A local snapshot costs a sync: lastSnapshotBytes is 0 after one.
        if (appliedBytesSinceSnapshot < config.snapshotMinLogRatio() * lastSnapshotBytes
                && appliedBytesSinceSnapshot < snapshotMaxLogBytes) {
            return;
        }
        if (latest != null && latest.index() >= appliedIndex) {
            return;
        }
        // While a follower copies our snapshot file, neither retire that file nor compact the entries after it that
        // the follower will need next; the byte cap still wins (it bounds the heap).
        if (appliedBytesSinceSnapshot < snapshotMaxLogBytes && followerCopyingSnapshot()) {
            return;
        }
        startSnapshot(new SnapshotMeta(appliedIndex, node.termAt(appliedIndex), appliedConfiguration), false);
    }

    /** A follower that answers is waiting for or copying a snapshot file of ours. */
    private boolean followerCopyingSnapshot() {
        return node.role() == Role.LEADER && node.status().peers().stream()
                .anyMatch(peer -> "SNAPSHOT".equals(peer.state()) && heardRecently(peer.id()));
    }

    private boolean heardRecently(String peerId) {
        Long heard = lastHeardNanos.get(peerId);
        return heard != null && clock.getAsLong() - heard < peerUpNanos;
    }

    private void startSnapshot(SnapshotMeta meta, boolean toFile) {
        StateMachine.StateCapture capture;
        stateLock.lock();
        try {
            capture = stateMachine.capture();
        } finally {
            stateLock.unlock();
        }
        if (capture.index() != meta.index()) {
            capture.close();
            throw new IllegalStateException("the state machine captured index " + capture.index()
                    + " but the driver applied up to " + meta.index());
        }
        snapshotInProgress = true;
        snapshotFileWanted = false;
        appliedSinceSnapshot = 0;
        appliedBytesSinceSnapshot = 0;
        snapshotExecutor.execute(() -> takeSnapshot(meta, capture, toFile));
    }

    /** On the snapshot executor: a local snapshot when the state can make itself durable, else a file. */
    private void takeSnapshot(SnapshotMeta meta, StateMachine.StateCapture capture, boolean toFile) {
        long start = clock.getAsLong();
        try (capture) {
            if (!toFile && capture.makeDurable()) {
                long durationNanos = clock.getAsLong() - start;
                complete(() -> snapshotTaken(meta, false, 0, durationNanos));
                return;
            }
            long sizeBytes = snapshots.write(meta, capture::writeTo);
            long durationNanos = clock.getAsLong() - start;
            complete(() -> snapshotTaken(meta, true, sizeBytes, durationNanos));
        } catch (IOException | RuntimeException | Error e) {
            complete(() -> {
                throw new StorageException("taking snapshot " + meta.index() + " failed: " + e, e);
            });
        }
    }

    private void snapshotTaken(SnapshotMeta meta, boolean toFile, long sizeBytes, long durationNanos) {
        long completionStart = clock.getAsLong();
        snapshotInProgress = false;
        lastSnapshotBytes = sizeBytes;
        LogStart start = node.compact(meta, meta.index() - config.snapshotCatchUpEntries());
        store.compact(meta, start);
        // Only older files: a newer one is a leader's snapshot that was copied and is about to be installed (its
        // completion may be the next in the queue). Keeping only the core's latest snapshot instead would delete
        // either that copy or, while that install waits for its Ready, this very file that the log store now names.
        // Retired here (renamed: the log store, durably, no longer names them), deleted off this thread: removing a
        // file of gigabytes at once stalled this loop for seconds.
        snapshots.retireOlderThan(meta);
        snapshotExecutor.execute(snapshots::deleteRetired);
        String logStart = start == null ? "(unchanged)" : Long.toString(start.index());
        if (toFile) {
            observer.snapshotTaken(meta.index(), sizeBytes, durationNanos);
            LOG.infof("%s: snapshot %d written (%d bytes in %d ms, completed in %d ms); log now starts after %s",
                    node.id(), meta.index(), sizeBytes, TimeUnit.NANOSECONDS.toMillis(durationNanos),
                    TimeUnit.NANOSECONDS.toMillis(clock.getAsLong() - completionStart), logStart);
        } else {
            observer.localSnapshotTaken(meta.index(), durationNanos);
            LOG.infof("%s: local snapshot %d (state synced in %d ms); log now starts after %s", node.id(),
                    meta.index(), TimeUnit.NANOSECONDS.toMillis(durationNanos), logStart);
        }
    }

    private void snapshotCopied(SnapshotMeta meta, boolean copied) {
        // A copy not needed after all stays until the next snapshot of this node prunes the older files: pruning here
        // could delete a snapshot of this node written on the snapshot thread whose completion is still queued.
        node.snapshotFetched(meta, copied);
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
