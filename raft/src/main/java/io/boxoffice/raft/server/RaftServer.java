package io.boxoffice.raft.server;

import io.boxoffice.raft.core.ConfigChange;
import io.boxoffice.raft.core.InitialState;
import io.boxoffice.raft.core.Member;
import io.boxoffice.raft.core.RaftNode;
import io.boxoffice.raft.core.RaftStatus;
import io.boxoffice.raft.core.message.Message;
import io.boxoffice.raft.errors.ProposalDroppedException;
import io.boxoffice.raft.errors.ProposalRejectedException;
import io.boxoffice.raft.errors.StorageException;
import io.boxoffice.raft.storage.LogStore;
import io.boxoffice.raft.storage.PersistentState;
import io.boxoffice.raft.transport.Transport;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * One Raft member: the core, its log store, its transport and the application's state machine,
 * driven by a single thread that this class owns.
 *
 * <p>Threading: every public method is thread-safe and non-blocking. Requests go through a bounded
 * queue to the driver thread; a full queue fails the request at once with
 * {@link ProposalRejectedException}. <b>Futures complete on the driver thread</b>: callers must
 * not block in dependent stages (use the {@code ...Async} variants for any real work).
 *
 * <p>Failure: operating conditions arrive as typed exceptions through the futures
 * ({@link io.boxoffice.raft.errors.NotLeaderException} with the leader hint,
 * {@link ProposalRejectedException}, {@link ProposalDroppedException}). A storage failure or an
 * exception from the state machine stops the node for good: every waiting future fails, the
 * transport closes, and {@link #failure()} reports the cause. Restart the process to recover.
 */
public final class RaftServer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RaftServer.class);
    private static final long JOIN_TIMEOUT_MILLIS = 5_000;

    private final RaftServerConfig config;
    private final LogStore store;
    private final Transport transport;
    private final StateMachine stateMachine;
    private final RaftObserver observer;
    private final ArrayBlockingQueue<Message> inbox;
    private final ArrayBlockingQueue<ClientRequest> requests;
    private final LongAdder droppedInboundMessages = new LongAdder();
    private RaftDriver driver;
    private Thread thread;
    private volatile boolean running;
    private volatile boolean stopped;
    private volatile Throwable failure;

    public RaftServer(RaftServerConfig config, LogStore store, Transport transport, StateMachine stateMachine) {
        this(config, store, transport, stateMachine, RaftObserver.NONE);
    }

    /** Like the four-argument constructor, reporting driver events to {@code observer}. */
    public RaftServer(RaftServerConfig config, LogStore store, Transport transport, StateMachine stateMachine,
                      RaftObserver observer) {
        this.observer = observer;
        this.config = config.validated();
        this.store = store;
        this.transport = transport;
        this.stateMachine = stateMachine;
        this.inbox = new ArrayBlockingQueue<>(config.maxInboxMessages());
        this.requests = new ArrayBlockingQueue<>(config.maxPendingRequests());
    }

    /**
     * Recovers from the log store, restores the state machine from the latest snapshot, starts the
     * transport and the driver thread.
     *
     * @throws StorageException      when the store cannot be read
     * @throws IllegalStateException when the volume belongs to another member id
     */
    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("raft server already started");
        }
        PersistentState recovered = store.load();
        claimVolume();
        if (recovered.snapshot() != null) {
            stateMachine.restore(recovered.snapshot().data());
        }
        RaftNode node = new RaftNode(config.raft(), new Random(config.randomSeed())::nextInt,
                new InitialState(recovered.hardState(), recovered.snapshot(), recovered.entries(), config.bootstrap()));
        driver = new RaftDriver(config, node, store, stateMachine, transport, inbox, requests, recovered.snapshot(),
                observer);
        transport.updatePeers(driver.peerAddresses());
        transport.start(this::deliver);
        running = true;
        thread = Thread.ofPlatform().name("raft-driver-" + config.selfId()).start(this::runDriver);
    }

    /** Replicates {@code command}; completes with the state machine's result once it is applied here. */
    public CompletableFuture<byte[]> propose(byte[] command) {
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        if (command.length > config.maxCommandBytes()) {
            result.completeExceptionally(new ProposalRejectedException("command of " + command.length
                    + " bytes exceeds maxCommandBytes " + config.maxCommandBytes()));
            return result;
        }
        submit(new ClientRequest.Propose(command, result));
        return result;
    }

    /** Runs {@code query} on the driver thread once the state it must see is applied. */
    public <T> CompletableFuture<T> read(Supplier<T> query, ReadConsistency consistency) {
        CompletableFuture<T> result = new CompletableFuture<>();
        submit(new ClientRequest.Read<>(query, consistency, result));
        return result;
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
        store.close();
    }

    private CompletableFuture<Void> changeMembership(ConfigChange change) {
        CompletableFuture<byte[]> result = new CompletableFuture<>();
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
        LockSupport.unpark(thread);
    }

    private void deliver(Message message) {
        if (!inbox.offer(message)) {
            droppedInboundMessages.increment(); // Raft re-sends whatever mattered.
            return;
        }
        LockSupport.unpark(thread);
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
            failure = t;
            stopped = true;
            running = false;
            LOG.errorf(t, "raft server %s stopped: %s", config.selfId(), t.getMessage());
            driver.failAll(t instanceof StorageException ? t
                    : new IllegalStateException("raft server " + config.selfId() + " stopped after an internal error", t));
            transport.close();
        }
    }

    private RuntimeException closedError() {
        Throwable cause = failure;
        return cause == null
                ? new ProposalRejectedException("raft server " + config.selfId() + " is closed")
                : new IllegalStateException("raft server " + config.selfId() + " has failed and stopped", cause);
    }
}
