package io.boxoffice.raft.server;

import io.boxoffice.raft.core.ConfigChange;
import io.boxoffice.raft.core.Configuration;
import io.boxoffice.raft.core.InitialState;
import io.boxoffice.raft.core.Member;
import io.boxoffice.raft.core.RaftNode;
import io.boxoffice.raft.core.RaftStatus;
import io.boxoffice.raft.core.SnapshotMeta;
import io.boxoffice.raft.core.message.Message;
import io.boxoffice.raft.errors.ProposalDroppedException;
import io.boxoffice.raft.errors.ProposalRejectedException;
import io.boxoffice.raft.errors.StorageException;
import io.boxoffice.raft.storage.LogStore;
import io.boxoffice.raft.storage.PersistentState;
import io.boxoffice.raft.storage.SnapshotStore;
import io.boxoffice.raft.transport.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * One Raft member: the core, its log store, its snapshot files, its transport and the application's state
 * machine, driven by a single thread that this class owns.
 *
 * <p>Threading: every public method is thread-safe and non-blocking, except that a stale read waits for the state
 * lock while the driver applies (at most one loop's apply budget). Other requests go through a bounded
 * queue to the driver thread; a full queue fails the request at once with
 * {@link ProposalRejectedException}. <b>Futures complete on the driver thread</b> (a stale read's
 * on the caller's own): callers must not block in dependent stages (use the {@code ...Async} variants for any
 * real work).
 *
 * <p>Failure: operating conditions arrive as typed exceptions through the futures
 * ({@link io.boxoffice.raft.errors.NotLeaderException} with the leader hint,
 * {@link ProposalRejectedException}, {@link ProposalDroppedException}). A storage failure, an exception
 * from the state machine, a broken invariant or an {@link Error} stops the node for good: every waiting
 * future fails, the transport closes, {@link #failure()} reports the cause and the
 * {@link FatalErrorHandler} runs (in production it ends the process, so a supervisor restarts it).
 *
 * @param <R> the state machine's result type
 */
public final class RaftServer<R> implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RaftServer.class);
    private static final long JOIN_TIMEOUT_MILLIS = 5_000;

    private final RaftServerConfig config;
    private final LogStore store;
    private final SnapshotStore snapshots;
    private final Transport transport;
    private final StateMachine<R> stateMachine;
    private final RaftObserver observer;
    private final FatalErrorHandler fatalErrorHandler;
    private final ArrayBlockingQueue<Message> inbox;
    private final ArrayBlockingQueue<ClientRequest> requests;
    private final LongAdder droppedInboundMessages = new LongAdder();
    private final AtomicBoolean failing = new AtomicBoolean();
    private final ExecutorService snapshotExecutor;
    private RaftDriver driver;
    private Thread thread;
    /** Held by whoever touches the state machine: the driver, and a stale read on its caller's thread. */
    private final java.util.concurrent.locks.ReentrantLock stateLock = new java.util.concurrent.locks.ReentrantLock();
    private volatile boolean running;
    private volatile boolean stopped;
    private volatile Throwable failure;

    public RaftServer(RaftServerConfig config, LogStore store, SnapshotStore snapshots, Transport transport,
                      StateMachine<R> stateMachine, RaftObserver observer, FatalErrorHandler fatalErrorHandler) {
        this.config = config.validated();
        this.store = store;
        this.snapshots = snapshots;
        this.transport = transport;
        this.stateMachine = stateMachine;
        this.observer = observer;
        this.fatalErrorHandler = fatalErrorHandler;
        this.inbox = new ArrayBlockingQueue<>(config.maxInboxMessages());
        this.requests = new ArrayBlockingQueue<>(config.maxPendingRequests());
        this.snapshotExecutor = Executors.newSingleThreadExecutor(
                Thread.ofPlatform().name("raft-snapshot-" + config.selfId()).daemon().factory());
    }

    /**
     * Recovers from the log store and the state machine's own storage, starts the transport and the
     * driver thread. The state machine continues from what it holds durably; when that is older than the
     * latest snapshot (its storage lost unsynced writes, or was wiped), it is restored from the snapshot
     * file first. Only the log after the state's index is replayed.
     *
     * @throws StorageException      when the store cannot be read, or state and log do not fit together
     * @throws IllegalStateException when the volume belongs to another member id
     */
    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("raft server already started");
        }
        startDriver(System::nanoTime, snapshotExecutor);
        running = true;
        thread = Thread.ofPlatform().name("raft-driver-" + config.selfId()).start(this::runDriver);
    }

    /**
     * Everything {@link #start()} does except starting the driver thread: recovery, the driver (reading time from
     * {@code clock} and writing snapshot files on {@code snapshotWork}) and the transport. {@link #start()} then runs
     * the driver on a thread of its own. The only other caller is the deterministic driver simulation (in the tests),
     * which calls {@link RaftDriver#runOnce} itself with a simulated clock and executor, so that it checks this very
     * recovery and loop.
     */
    synchronized RaftDriver startDriver(LongSupplier clock, Executor snapshotWork) {
        if (driver != null) {
            throw new IllegalStateException("raft server already started");
        }
        PersistentState recovered = store.load();
        claimVolume();
        SnapshotMeta snapshot = recovered.snapshot();
        long stateIndex = stateMachine.open();
        // A local snapshot has no file: the state's own storage holds it (it was synced before the log named it).
        if (snapshot != null && stateIndex < snapshot.index() && !snapshots.contains(snapshot)) {
            throw new StorageException("the log store names snapshot " + snapshot.index() + " (term " + snapshot.term()
                    + "), the state holds only the commands through " + stateIndex + " and the snapshot's file is"
                    + " missing from " + snapshots.directory() + "; the volume is incomplete: remove the data"
                    + " directory so this member rejoins as a new one");
        }
        if (snapshot != null && stateIndex < snapshot.index()) {
            LOG.infof("%s: state at %d is behind snapshot %d; restoring it from the snapshot file", config.selfId(),
                    stateIndex, snapshot.index());
            try (InputStream payload = snapshots.openPayload(snapshot)) {
                stateMachine.restore(snapshot.index(), payload);
            } catch (IOException e) {
                throw new StorageException("cannot restore snapshot " + snapshot.index() + ": " + e.getMessage(), e);
            }
            stateIndex = snapshot.index();
        }
        if (stateIndex < recovered.logStartIndex()) {
            throw new StorageException("the state machine holds the state through index " + stateIndex
                    + " but the log starts after " + recovered.logStartIndex() + " and no snapshot covers the gap;"
                    + " the volume is inconsistent: remove the data directory so this member rejoins as a new one");
        }
        InitialState initial = new InitialState(recovered.hardState(), snapshot, recovered.logStart(),
                recovered.entries(), config.bootstrap(), stateIndex);
        RaftNode node = new RaftNode(config.raft(), new Random(config.randomSeed())::nextInt, initial);
        long replayed = Math.max(0, recovered.hardState().commitIndex() - stateIndex);
        LOG.infof("%s: recovered term %d, state through %d, log (%d, %d], commit %d: %d entries to replay",
                config.selfId(), recovered.hardState().term(), stateIndex, recovered.logStartIndex(),
                node.lastIndex(), recovered.hardState().commitIndex(), replayed);
        observer.recovered(stateIndex, replayed);
        Configuration appliedConfiguration = configurationAt(initial, stateIndex);
        RaftDriver.Collaborators collaborators = new RaftDriver.Collaborators(store, snapshots, stateMachine,
                transport, observer, clock, snapshotWork, this::wakeUp, stateLock);
        driver = new RaftDriver(config, node, collaborators, inbox, requests, stateIndex, appliedConfiguration);
        transport.updatePeers(driver.peerAddresses());
        transport.start(this::deliver, snapshots::openFile);
        return driver;
    }

    /**
     * The membership as of {@code index}: the last configuration entry at or below it in the recovered log,
     * else the log start's (or the bootstrap's).
     */
    private static Configuration configurationAt(InitialState initial, long index) {
        Configuration configuration = initial.effectiveLogStart().configuration();
        for (var entry : initial.entries()) {
            if (entry.index() > index) {
                break;
            }
            if (entry.kind() == io.boxoffice.raft.core.EntryKind.CONFIG) {
                configuration = Configuration.decode(entry.data());
            }
        }
        return configuration;
    }

    /** Replicates {@code command}; completes with the state machine's result once it is applied here. */
    @SuppressWarnings("unchecked")
    public CompletableFuture<R> propose(byte[] command) {
        CompletableFuture<Object> result = new CompletableFuture<>();
        if (command.length > config.maxCommandBytes()) {
            result.completeExceptionally(new ProposalRejectedException("command of " + command.length
                    + " bytes exceeds maxCommandBytes " + config.maxCommandBytes()));
        } else {
            submit(new ClientRequest.Propose(command, result));
        }
        return (CompletableFuture<R>) (CompletableFuture<?>) result;
    }

    /**
     * Runs {@code query} once the state it must see is applied: a {@link ReadConsistency#STALE} read at once on the
     * caller's thread, holding the state lock (it sees the state between two applied batches, never one half
     * applied), and returns a completed future; any other on the driver thread, completing there.
     */
    public <T> CompletableFuture<T> read(Supplier<T> query, ReadConsistency consistency) {
        CompletableFuture<T> result = new CompletableFuture<>();
        if (consistency == ReadConsistency.STALE) {
            readHere(new ClientRequest.Read<>(query, consistency, result));
        } else {
            submit(new ClientRequest.Read<>(query, consistency, result));
        }
        return result;
    }

    /**
     * A stale read needs no round and no turn of the driver's loop: it only must not run while the driver changes
     * the state. Saves two thread hand-offs per request, and the wait behind a loop that is busy with an fsync.
     */
    private <T> void readHere(ClientRequest.Read<T> read) {
        if (!running) {
            submit(read); // Not started yet (or stopped): the driver's queue serves or fails it as before.
            return;
        }
        stateLock.lock();
        try {
            if (stopped) {
                read.fail(closedError());
                return;
            }
            read.serve();
        } finally {
            stateLock.unlock();
        }
    }

    /**
     * Hands leadership to {@code targetId}, or to the most caught-up voter when {@code null}.
     * Completes once the target leads; fails with a {@link java.util.concurrent.TimeoutException}
     * after {@code transferTimeoutMillis}, and with NotLeaderException on a follower.
     */
    public CompletableFuture<Void> transferLeadership(String targetId) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        submit(new ClientRequest.TransferLeadership(targetId, result));
        return result;
    }

    /** Adds a non-voting member; completes when the configuration entry commits. */
    public CompletableFuture<Void> addLearner(String id, String address) {
        new Member(id, address, false); // Validates the arguments in the caller's thread.
        return changeMembership(new ConfigChange.AddLearner(id, address));
    }

    /** Makes a caught-up learner a voter; completes when the configuration entry commits. */
    public CompletableFuture<Void> promote(String id) {
        return changeMembership(new ConfigChange.Promote(id));
    }

    /** Removes a member; completes when the configuration entry commits. */
    public CompletableFuture<Void> removeMember(String id) {
        return changeMembership(new ConfigChange.Remove(id));
    }

    /** The latest status the driver published; refreshed on every loop iteration. */
    public RaftStatus status() {
        RaftDriver current = driver;
        if (current == null) {
            throw new IllegalStateException("raft server not started");
        }
        return current.status();
    }

    public Optional<String> leaderId() {
        return Optional.ofNullable(status().leaderId());
    }

    /** The leader's peer address as recorded in the configuration, if a leader is known. */
    public Optional<String> leaderAddress() {
        RaftStatus status = status();
        return Optional.ofNullable(status.leaderId())
                .flatMap(id -> status.configuration().member(id))
                .map(Member::address);
    }

    /** Why the node stopped, if it failed. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    /** Peer messages dropped because the inbox was full. */
    public long droppedInboundMessages() {
        return droppedInboundMessages.sum();
    }

    /**
     * Stops the driver, then closes the transport and the store. Requests still waiting fail with
     * {@link ProposalDroppedException}: their outcome is unknown. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (stopped && thread == null) {
            return;
        }
        running = false;
        stopped = true;
        if (thread != null && thread != Thread.currentThread()) {
            LockSupport.unpark(thread);
            try {
                thread.join(JOIN_TIMEOUT_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (thread.isAlive()) {
                LOG.warnf("raft driver %s did not stop within %d ms; closing its resources anyway",
                        config.selfId(), JOIN_TIMEOUT_MILLIS);
            } else if (driver != null) {
                driver.failAll(new ProposalDroppedException("raft server " + config.selfId()
                        + " closed before the outcome was known; retry"));
            }
        }
        thread = null;
        RaftDriver.failQueuedRequests(requests, closedError());
        transport.close();
        snapshotExecutor.shutdownNow();
        try {
            // A snapshot being written holds a view of the state; let it end before the state closes.
            snapshotExecutor.awaitTermination(JOIN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        store.close();
    }

    private CompletableFuture<Void> changeMembership(ConfigChange change) {
        CompletableFuture<Object> result = new CompletableFuture<>();
        submit(new ClientRequest.ChangeMembership(change, result));
        return result.thenApply(ignored -> null);
    }

    private void submit(ClientRequest request) {
        if (stopped) {
            request.fail(closedError());
            return;
        }
        if (!requests.offer(request)) {
            request.fail(new ProposalRejectedException("too many pending requests ("
                    + config.maxPendingRequests() + "); retry later"));
            return;
        }
        if (stopped) {
            // The driver may have drained the queue for the last time before our offer.
            RaftDriver.failQueuedRequests(requests, closedError());
            return;
        }
        wakeUp();
    }

    private void wakeUp() {
        Thread current = thread;
        if (current != null) {
            LockSupport.unpark(current);
        }
    }

    private void deliver(Message message) {
        if (!inbox.offer(message)) {
            droppedInboundMessages.increment(); // Raft re-sends whatever mattered.
            return;
        }
        wakeUp();
    }

    private void claimVolume() {
        Optional<String> owner = store.memberId();
        if (owner.isEmpty()) {
            store.saveMemberId(config.selfId());
        } else if (!owner.get().equals(config.selfId())) {
            throw new IllegalStateException("this volume belongs to member " + owner.get() + ", not "
                    + config.selfId() + "; give each member its own data directory");
        }
    }

    private void runDriver() {
        try {
            driver.run(() -> running);
        } catch (Throwable t) {
            fail(t);
        }
    }

    /** Stops the node for good after a fatal error; see the class comment. */
    private void fail(Throwable cause) {
        if (!failing.compareAndSet(false, true)) {
            return;
        }
        failure = cause;
        stopped = true;
        running = false;
        LOG.errorf(cause, "raft server %s stopped: %s", config.selfId(), cause.getMessage());
        try {
            driver.failAll(cause instanceof StorageException ? cause
                    : new IllegalStateException("raft server " + config.selfId() + " stopped after an internal error",
                    cause));
            transport.close();
        } finally {
            fatalErrorHandler.onFatalError(cause);
        }
    }

    private RuntimeException closedError() {
        Throwable cause = failure;
        return cause == null
                ? new ProposalRejectedException("raft server " + config.selfId() + " is closed")
                : new IllegalStateException("raft server " + config.selfId() + " has failed and stopped", cause);
    }
}
