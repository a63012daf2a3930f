package io.boxoffice.booking.cluster;

import io.boxoffice.booking.auth.TokenService;
import io.boxoffice.booking.config.BoxofficeConfig;
import io.boxoffice.booking.config.InvalidConfigurationException;
import io.boxoffice.booking.config.NodeSettings;
import io.boxoffice.booking.config.PeerSpec;
import io.boxoffice.booking.discovery.DnsCachePolicy;
import io.boxoffice.booking.discovery.BootstrapProbe;
import io.boxoffice.booking.discovery.DnsWait;
import io.boxoffice.booking.discovery.JoiningMember;
import io.boxoffice.booking.discovery.PeerVolume;
import io.boxoffice.booking.discovery.RegistrationTarget;
import io.boxoffice.booking.metrics.BoxofficeMetrics;
import io.boxoffice.raft.core.Configuration;
import io.boxoffice.raft.core.Member;
import io.boxoffice.raft.core.RaftConfig;
import io.boxoffice.raft.core.RaftStatus;
import io.boxoffice.raft.core.Role;
import io.boxoffice.booking.domain.BookingStateMachine;
import io.boxoffice.booking.domain.CommandOutcome;
import io.boxoffice.raft.server.RaftObserver;
import io.boxoffice.raft.server.RaftServer;
import io.boxoffice.raft.server.StateMachine;
import io.boxoffice.raft.server.RaftServerConfig;
import io.boxoffice.raft.server.ReadConsistency;
import io.boxoffice.raft.storage.LogStoreMemory;
import io.boxoffice.raft.storage.RocksDbLogStore;
import io.boxoffice.raft.storage.SnapshotStore;
import io.boxoffice.raft.transport.GrpcTransport;
import io.boxoffice.raft.transport.GrpcTransportConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Embeds this node's Raft member: opens the RocksDB log in the data directory, settles the member identity
 * the volume carries ({@link MemberIdentity}: refusing a volume of another pod, and on an empty volume
 * deciding between forming the cluster and joining it as a new member), starts the peer transport and the
 * {@link RaftServer} with the booking state machine, and stops them gracefully: readiness goes down first,
 * then leadership is handed to the most caught-up peer, then the server closes.
 *
 * <p>Every other bean reaches Raft through this one. Thread-safe.
 */
@ApplicationScoped
public class ClusterNode implements JoiningMember {

    private static final Logger LOG = Logger.getLogger(ClusterNode.class);
    /** Sub-directory of the data directory holding the RocksDB log. */
    static final String LOG_DIRECTORY = "raft-log";
    /** Sub-directory of the data directory holding snapshot files. */
    static final String SNAPSHOT_DIRECTORY = "snapshots";
    static final long STATUS_POLL_MILLIS = 100;
    /** The state's sizes are read every this many status polls. */
    static final int STATE_SIZE_POLLS = 20;

    @Inject
    NodeSettings settings;
    @Inject
    BoxofficeConfig config;
    @Inject
    BoxofficeMetrics metrics;
    @Inject
    BookingStateMachine stateMachine;
    @Inject
    FatalErrors fatalErrors;
    @Inject
    PublicApi publicApi;
    @Inject
    TokenService tokens;

    private volatile RaftServer<List<CommandOutcome>> server;
    private volatile GrpcTransport transport;
    private volatile boolean started;
    private volatile boolean stopping;
    /** The member id this node runs under, once the volume settled it; null before. */
    private volatile MemberIdentity identity;
    /** True while the volume is empty and the node asks its bootstrap peers whether the cluster exists. */
    private volatile boolean identityPending;
    private ScheduledExecutorService poller;
    private int polls;

    void onStart(@Observes @Priority(10) StartupEvent event) {
        start();
    }

    void onStop(@Observes @Priority(10) ShutdownEvent event) {
        stop();
    }

    synchronized void start() {
        if (server != null) {
            return;
        }
        if (settings.peerTokenGenerated()) {
            LOG.warn("no cluster credential configured (boxoffice.peer-token or boxoffice.peer-token-file); this "
                    + "one-node cluster uses a random one, so no other node can join it");
        }
        awaitOwnPeerHost();
        Path logDirectory = settings.dataDir().resolve(LOG_DIRECTORY);
        try {
            Files.createDirectories(logDirectory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create boxoffice.data-dir " + settings.dataDir()
                    + "; check the path and its permissions", e);
        }
        RocksDbLogStore store = new RocksDbLogStore(logDirectory, metrics::walSynced, new LogStoreMemory(
                config.raft().logWriteBufferBytes(), config.raft().logWriteBuffersMax(), config.raft().logBlockCacheBytes()));
        try {
            MemberIdentity self = claimVolume(store);
            identity = self;
            GrpcTransport transport = new GrpcTransport(GrpcTransportConfig.defaults(self.memberId(),
                    settings.clusterId(), "0.0.0.0", config.peerPort(), settings.peerToken())
                    .withMaxQueuedMessagesPerPeer(config.raft().maxQueuedMessagesPerPeer())
                    .withSnapshotLimits(config.raft().snapshotChunkBytes(), config.raft().maxSnapshotStreams())
                    .withAdvertisedAddress(settings.selfPeerAddress()).validated());
            SnapshotStore snapshots = new SnapshotStore(settings.dataDir().resolve(SNAPSHOT_DIRECTORY),
                    config.raft().snapshotWriteBytesPerSecond());
            StateMachine<List<CommandOutcome>> applied = stateMachine;
            if (config.failpoints().failApplyOnUsername().isPresent()) {
                String username = config.failpoints().failApplyOnUsername().get();
                LOG.warnf("failpoint on: applying the registration of user '%s' will fail and stop this node", username);
                applied = new FailingApplyStateMachine<>(stateMachine, username);
            }
            RaftServer<List<CommandOutcome>> raft = new RaftServer<>(serverConfig(self), store, snapshots, transport,
                    applied, observer(), fatalErrors::stopProcess);
            raft.start();
            server = raft;
            this.transport = transport;
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        poller = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "boxoffice-raft-status");
            thread.setDaemon(true);
            return thread;
        });
        poller.scheduleWithFixedDelay(this::publishStatus, 0, STATUS_POLL_MILLIS, TimeUnit.MILLISECONDS);
        started = true;
        LOG.infof("booking node %s started as member %s: peer port %d, data in %s, bootstrap members %s",
                settings.nodeId(), identity, config.peerPort(), settings.dataDir(), joining() ? "(joining)"
                        : settings.bootstrapMembers().stream().map(PeerSpec::id).toList());
    }

    /**
     * Peers reach this node by its peer host (the pod's DNS name in Kubernetes), which may not resolve for a
     * moment after the pod starts; Raft starts once it does, or the node stops after the bounded wait.
     */
    private void awaitOwnPeerHost() {
        String address = settings.selfPeerAddress();
        String host = address.substring(0, address.lastIndexOf(':'));
        BoxofficeConfig.Discovery discovery = config.discovery();
        LOG.infof("%s; waiting up to %d ms for %s to resolve", DnsCachePolicy.describe(), discovery.dnsWaitMillis(),
                host);
        try {
            DnsWait.system(discovery.backoffMinMillis(), discovery.backoffMaxMillis())
                    .await(host, "this node's peer host", discovery.dnsWaitMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + host + " to resolve", e);
        }
    }

    /**
     * The member identity of this volume: the one written on it, which must belong to this pod (a volume is
     * never shared or reused by another pod), or, on an empty volume, a new one, written before Raft starts.
     */
    private MemberIdentity claimVolume(RocksDbLogStore store) {
        Optional<String> owner = store.memberId();
        if (owner.isPresent()) {
            return MemberIdentity.parse(owner.get()).filter(id -> id.podName().equals(settings.nodeId()))
                    .orElseThrow(() -> new InvalidConfigurationException(List.of("boxoffice.data-dir "
                            + settings.dataDir() + " holds the log of member '" + owner.get() + "' but "
                            + "boxoffice.node-id is '" + settings.nodeId() + "'; give each member its own data "
                            + "directory. A member whose volume was lost must join as a new member (start it on "
                            + "an empty data directory) rather than reuse another's data")));
        }
        MemberIdentity fresh = identityForEmptyVolume();
        store.saveMemberId(fresh.memberId());
        return fresh;
    }

    /**
     * An empty volume: a node told to join, or one whose bootstrap peers report a formed cluster, is a new
     * member with a new generation; a bootstrap member whose peers are all new too forms the cluster under
     * its pod name (see {@link PeerVolume#verdict}). A one-member cluster has nobody to ask.
     */
    private MemberIdentity identityForEmptyVolume() {
        String pod = settings.nodeId();
        if (config.join()) {
            return MemberIdentity.newVolume(pod, System.currentTimeMillis());
        }
        // The other bootstrap members, at their client endpoints (members only boxoffice.client-endpoints names
        // are not part of the question: they did not form the cluster).
        List<RegistrationTarget> asked = RegistrationTarget.of(settings.bootstrapMembers(), settings.clientEndpoints(),
                pod, config.grpcPort()).stream().filter(target -> settings.bootstrapMembers().stream()
                .anyMatch(member -> member.id().equals(target.memberId()))).toList();
        if (asked.isEmpty()) {
            return MemberIdentity.bootstrap(pod);
        }
        identityPending = true;
        try {
            PeerVolume.Verdict verdict = BootstrapProbe.ask(pod, asked, tokens, config.discovery());
            return verdict == PeerVolume.Verdict.BOOTSTRAP ? MemberIdentity.bootstrap(pod)
                    : MemberIdentity.newVolume(pod, System.currentTimeMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking the bootstrap members about the cluster", e);
        } finally {
            identityPending = false;
        }
    }

    /** Driver events to metrics (called on the driver thread: each is a cheap record or set). */
    private RaftObserver observer() {
        return new RaftObserver() {
            @Override
            public void logAppended(int entryCount, long durationNanos) {
                metrics.logAppended(durationNanos);
            }

            @Override
            public void loopIteration(long durationNanos) {
                metrics.driverLoop(durationNanos);
            }

            @Override
            public void roleChanged(Role from, Role to, long term, String leaderId, String reason) {
                metrics.roleChanged(term, leaderId);
            }

            @Override
            public void snapshotTaken(long index, long sizeBytes, long durationNanos) {
                metrics.snapshot("taken", sizeBytes, durationNanos);
            }

            @Override
            public void localSnapshotTaken(long index, long durationNanos) {
                metrics.localSnapshot(durationNanos);
            }

            @Override
            public void snapshotInstalled(long index, long sizeBytes, long durationNanos) {
                metrics.snapshot("installed", sizeBytes, durationNanos);
            }

            @Override
            public void recovered(long stateIndex, long replayedEntries) {
                metrics.recovered(replayedEntries);
            }
        };
    }

    private RaftServerConfig serverConfig(MemberIdentity self) {
        BoxofficeConfig.Raft raft = config.raft();
        RaftConfig core = new RaftConfig(self.memberId(), raft.electionTimeoutTicks(), raft.heartbeatIntervalTicks(),
                raft.maxInflightAppends(), raft.maxEntriesPerAppend(), raft.maxBytesPerAppend(),
                raft.maxUncommittedEntries(), raft.preVote(), raft.checkQuorum(), raft.leaseMarginTicks());
        // A new member starts with no configuration: the leader's entries bring it (its own AddLearner included).
        Configuration bootstrap = joining() ? Configuration.EMPTY : Configuration.ofVoters(settings.bootstrapMembers()
                .stream().map(peer -> new Member(peer.id(), peer.address(), true)).toList());
        return new RaftServerConfig(core, bootstrap, raft.tickMillis(), raft.maxInboxMessages(),
                raft.maxPendingRequests(), raft.maxCommandBytes(), raft.snapshotIntervalEntries(),
                raft.snapshotCatchUpEntries(), raft.transferTimeoutMillis(), new SecureRandom().nextLong(),
                raft.snapshotMinLogRatio(), raft.snapshotMaxLogBytes()).validated();
    }

    private void publishStatus() {
        try {
            RaftServer<List<CommandOutcome>> current = server;
            if (current != null) {
                metrics.onRaftStatus(current.status());
                GrpcTransport peers = transport;
                if (peers != null) {
                    metrics.onTransport(peers.counters(), current.droppedInboundMessages());
                }
                if (++polls % STATE_SIZE_POLLS == 0) {
                    publishStateSize(current);
                }
            }
        } catch (RuntimeException e) {
            LOG.warnf(e, "could not publish the Raft status");
        }
    }

    /** Record counts (a stale read on the driver thread: the counters live there) and RocksDB sizes. */
    private void publishStateSize(RaftServer<List<CommandOutcome>> current) {
        current.read(() -> stateMachine.queries().counts(), ReadConsistency.STALE).thenAccept(counts -> {
            Map<String, Long> bytes = new LinkedHashMap<>();
            bytes.put("files", stateMachine.store().property("rocksdb.estimate-live-data-size"));
            bytes.put("memtables", stateMachine.store().property("rocksdb.cur-size-all-mem-tables"));
            bytes.put("block_cache", stateMachine.store().blockCacheUsageBytes());
            metrics.onStateSize(counts, bytes);
        });
    }

    /**
     * Graceful stop: readiness fails first (the load balancer stops sending), then a leader hands its
     * leadership to the most caught-up peer, then the public API stops taking calls and finishes those in flight
     * (forwarded to the new leader, answered from Raft, which still runs), then Raft closes.
     */
    synchronized void stop() {
        stopping = true;
        RaftServer<List<CommandOutcome>> current = server;
        if (current == null) {
            return;
        }
        if (poller != null) {
            poller.shutdownNow();
        }
        transferLeadershipBeforeStop(current);
        if (publicApi != null) {
            publicApi.stopTakingCalls(config.shutdown().callsDrainTimeoutMillis());
        }
        current.close();
        stateMachine.close();
        server = null;
        LOG.infof("booking node %s stopped", nodeId());
    }

    /**
     * The preStop drain: readiness fails from now on, and a leader hands leadership to the most caught-up
     * reachable voter (bounded by the transfer timeout). Raft keeps running until {@link #stop()}.
     */
    public synchronized DrainResult drain() {
        stopping = true;
        RaftServer<List<CommandOutcome>> current = server;
        if (current == null) {
            return new DrainResult(false, false, null);
        }
        boolean wasLeader = current.status().role() == Role.LEADER;
        transferLeadershipBeforeStop(current);
        RaftStatus after = current.status();
        return new DrainResult(wasLeader, after.role() == Role.LEADER, after.leaderId());
    }

    /** Outcome of {@link #drain()}: whether this node led before and still leads, and who leads now. */
    public record DrainResult(boolean wasLeader, boolean stillLeader, String leaderId) {
    }

    private void transferLeadershipBeforeStop(RaftServer<List<CommandOutcome>> current) {
        RaftStatus status;
        try {
            status = current.status();
        } catch (RuntimeException e) {
            return;
        }
        // Any other voter is worth a try. Its recentlyActive flag is no guide here: the leader clears every
        // flag once per election timeout, so a single sample often shows none under load, and skipping the
        // transfer then turns a graceful stop into an election that clients see. The transfer is bounded.
        boolean otherVoter = status.configuration().voterIds().stream().anyMatch(id -> !id.equals(status.id()));
        if (status.role() != Role.LEADER || !otherVoter) {
            return; // Nobody to hand over to: waiting for the transfer timeout would only delay the stop.
        }
        try {
            current.transferLeadership(null).get(config.raft().transferTimeoutMillis(), TimeUnit.MILLISECONDS);
            LOG.infof("handed leadership to %s before stopping", current.status().leaderId());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warnf("leadership transfer before stopping failed (%s); stopping anyway, the cluster elects a new "
                    + "leader after an election timeout", e.getCause() != null ? e.getCause() : e);
        }
    }

    // ------------------------------------------------------------------ access for the other beans

    /** The member id this node runs under ({@link MemberIdentity}); its pod name until the volume settled it. */
    @Override
    public String nodeId() {
        MemberIdentity self = identity;
        return self == null ? settings.nodeId() : self.memberId();
    }

    /** The pod name, {@code boxoffice.node-id}. */
    public String podName() {
        return settings.nodeId();
    }

    /**
     * Whether this node joins an existing cluster rather than forming one: started with
     * {@code boxoffice.join=true}, or on a volume of a later generation (its pod's first volume was lost).
     */
    @Override
    public boolean joining() {
        MemberIdentity self = identity;
        return config.join() || (self != null && !self.isBootstrapGeneration());
    }

    /** True while the node, on an empty volume, asks its bootstrap peers whether the cluster exists. */
    public boolean identityPending() {
        return identityPending;
    }

    public String clusterId() {
        return settings.clusterId();
    }

    /** Replicates a command batch; the future completes on the Raft driver thread with one outcome per command. */
    public CompletableFuture<List<CommandOutcome>> propose(byte[] command) {
        RaftServer<List<CommandOutcome>> current = server;
        if (current == null) {
            return CompletableFuture.failedFuture(new NodeUnavailableException(notRunning()));
        }
        return current.propose(command);
    }

    /** Runs {@code query} against the booking state on the driver thread once the required state is applied. */
    public <T> CompletableFuture<T> read(Supplier<T> query, ReadConsistency consistency) {
        RaftServer<List<CommandOutcome>> current = server;
        if (current == null) {
            return CompletableFuture.failedFuture(new NodeUnavailableException(notRunning()));
        }
        return current.read(query, consistency);
    }

    public Optional<RaftServer<List<CommandOutcome>>> server() {
        return Optional.ofNullable(server);
    }

    public Optional<RaftStatus> status() {
        RaftServer<List<CommandOutcome>> current = server;
        if (current == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(current.status());
        } catch (IllegalStateException e) {
            return Optional.empty();
        }
    }

    /** Whether this node is in the cluster's configuration as this node knows it (voter or learner). */
    @Override
    public boolean isMember() {
        return status().map(s -> s.configuration().contains(s.id())).orElse(false);
    }

    public boolean isLeader() {
        return status().map(s -> s.role() == Role.LEADER).orElse(false);
    }

    public boolean started() {
        return started;
    }

    @Override
    public boolean stopping() {
        return stopping;
    }

    /** Why Raft stopped, if it failed (storage or state-machine error). */
    public Optional<Throwable> failure() {
        RaftServer<List<CommandOutcome>> current = server;
        return current == null ? Optional.empty() : current.failure();
    }

    /**
     * The client gRPC endpoint of {@code memberId}: from {@code boxoffice.client-endpoints}, else the host of
     * its peer address with this node's gRPC port.
     */
    public Optional<String> clientEndpointOf(String memberId) {
        // boxoffice.client-endpoints names pods; a member of a later volume generation runs in the same pod.
        String pod = MemberIdentity.podOf(memberId);
        for (PeerSpec endpoint : settings.clientEndpoints()) {
            if (endpoint.id().equals(pod)) {
                return Optional.of(endpoint.address());
            }
        }
        return status().flatMap(s -> s.configuration().member(memberId)).map(member -> {
            String address = member.address();
            return address.substring(0, address.lastIndexOf(':')) + ":" + config.grpcPort();
        });
    }

    private String notRunning() {
        return stopping ? "node " + nodeId() + " is shutting down; retry on another node"
                : "node " + nodeId() + " is still starting; retry shortly";
    }

    /** The node is starting, stopping or has failed. */
    public static final class NodeUnavailableException extends RuntimeException {
        public NodeUnavailableException(String message) {
            super(message);
        }
    }
}
