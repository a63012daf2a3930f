package io.boxoffice.raft.transport;

import io.boxoffice.proto.raft.v1.DeliverAck;
import io.boxoffice.proto.raft.v1.FetchSnapshotRequest;
import io.boxoffice.proto.raft.v1.PeerEnvelope;
import io.boxoffice.proto.raft.v1.RaftPeerGrpc;
import io.boxoffice.proto.raft.v1.SnapshotChunk;
import io.boxoffice.raft.core.SnapshotMeta;
import io.boxoffice.raft.core.message.Message;
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.jboss.logging.Logger;

/**
 * {@link Transport} over gRPC (grpc-java, Netty). Inbound: a server on the peer port implementing
 * {@code RaftPeer.Deliver} and {@code RaftPeer.FetchSnapshot} ({@link SnapshotSender}), guarded by the peer
 * token and the cluster id. Outbound: one {@link PeerSender} per peer — bounded queue, own thread, own
 * client stream, reconnect with backoff; snapshot copies ({@link SnapshotFetchCall}) share its channel.
 *
 * <p>Threading: {@link #send} and {@link #updatePeers} may be called from any thread; the inbox is
 * called from gRPC's network threads.
 */
public final class GrpcTransport implements Transport {

    private static final Logger LOG = Logger.getLogger(GrpcTransport.class);
    private static final long CLOSE_TIMEOUT_MILLIS = 2_000;
    /**
     * Unacknowledged data to a peer for this long ends the connection. Kernel ACKs do not wait for the peer's JVM,
     * so a GC pause does not trip it; only a silent network path does.
     */
    static final long PEER_SILENCE_TIMEOUT_MILLIS = 3_000;
    /** Senders created for peers outside the address book (see {@link #learnSender}); bounds that growth. */
    static final int MAX_LEARNED_PEERS = 16;

    private final GrpcTransportConfig config;
    private final Map<String, PeerSender> sendersById = new ConcurrentHashMap<>();
    private final PeerSender.Counters senderCounters =
            new PeerSender.Counters(new LongAdder(), new LongAdder(), new LongAdder());
    private final LongAdder droppedUnknownPeer = new LongAdder();
    private final LongAdder received = new LongAdder();
    private final LongAdder rejectedUnauthenticated = new LongAdder();
    private final LongAdder rejectedInvalid = new LongAdder();
    /** Ids whose sender was learned from an envelope rather than given by {@link #updatePeers}. */
    private final java.util.Set<String> learnedPeerIds = new java.util.HashSet<>();
    /** Reads snapshot files for peers that fetch them; one thread serves every stream, chunk by chunk. */
    private final ExecutorService snapshotSendExecutor = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("raft-snapshot-send").daemon().factory());
    /** Writes the chunks of a snapshot this node copies from its leader. */
    private final ExecutorService snapshotFetchExecutor = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("raft-snapshot-fetch").daemon().factory());
    private Server server;
    private volatile boolean closed;

    public GrpcTransport(GrpcTransportConfig config) {
        this.config = config.validated();
    }

    /**
     * Binds the peer port and starts accepting messages.
     *
     * @throws UncheckedIOException when the port cannot be bound
     */
    @Override
    public synchronized void start(Inbox inbox, SnapshotFiles snapshots) {
        if (server != null || closed) {
            throw new IllegalStateException("transport already started or closed");
        }
        NettyServerBuilder builder = NettyServerBuilder
                .forAddress(new InetSocketAddress(config.bindHost(), config.bindPort()), serverCredentials())
                .maxInboundMessageSize(config.maxInboundMessageBytes())
                // Peers ping every 30 s (see openChannel); without this the server's default of one ping per
                // 5 minutes answers them with GOAWAY too_many_pings and the stream is torn down and rebuilt.
                .permitKeepAliveTime(10, TimeUnit.SECONDS)
                .permitKeepAliveWithoutCalls(true)
                .directExecutor() // The inbox never blocks, so network threads can run it.
                .addService(ServerInterceptors.intercept(new PeerService(inbox,
                                new SnapshotSender(config, snapshots, snapshotSendExecutor)),
                        new PeerTokenInterceptor(config.peerToken(), rejectedUnauthenticated)));
        try {
            server = builder.build().start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen for peers on " + config.bindHost() + ":"
                    + config.bindPort(), e);
        }
    }

    /** The port the peer server listens on, useful when configured with port 0. */
    public synchronized int boundPort() {
        if (server == null) {
            throw new IllegalStateException("transport not started");
        }
        return server.getPort();
    }

    @Override
    public void send(Message message) {
        PeerSender sender = sendersById.get(message.to());
        if (sender == null) {
            droppedUnknownPeer.increment();
            return;
        }
        sender.offer(message);
    }

    @Override
    public synchronized void updatePeers(Map<String, String> addressesById) {
        if (closed) {
            return;
        }
        Map<String, String> wanted = new HashMap<>(addressesById);
        wanted.remove(config.selfId());
        for (var it = sendersById.entrySet().iterator(); it.hasNext(); ) {
            var existing = it.next();
            if (!existing.getValue().address().equals(wanted.get(existing.getKey()))) {
                existing.getValue().close();
                it.remove();
            }
        }
        for (var peer : wanted.entrySet()) {
            sendersById.computeIfAbsent(peer.getKey(), id -> newSender(id, peer.getValue()));
        }
        learnedPeerIds.clear(); // The address book now comes from a configuration again.
    }

    /**
     * A message arrived from {@code peerId}, which the address book does not name, advertising {@code address}:
     * remember it until the next {@link #updatePeers}, so the answer can go back. This is how a new learner
     * answers the leader's first appends before the configuration entry naming the leader reaches it. Only
     * authenticated peers of this cluster get here; at most {@link #MAX_LEARNED_PEERS} are remembered.
     */
    private synchronized void learnSender(String peerId, String address) {
        if (closed || sendersById.containsKey(peerId) || peerId.equals(config.selfId())
                || learnedPeerIds.size() >= MAX_LEARNED_PEERS || !GrpcTransportConfig.isHostAndPort(address)) {
            return;
        }
        sendersById.put(peerId, newSender(peerId, address));
        learnedPeerIds.add(peerId);
        LOG.infof("learned the address of %s (%s) from its message; it is not in this node's configuration yet",
                peerId, address);
    }

    private PeerSender newSender(String id, String address) {
        PeerSender sender = new PeerSender(id, address, config.clusterId(), config.advertisedAddress(),
                openChannel(address), config.maxQueuedMessagesPerPeer(),
                new Backoff(config.reconnectBackoffMinMillis(), config.reconnectBackoffMaxMillis()), senderCounters);
        sender.start();
        return sender;
    }

    @Override
    public Cancellable fetchSnapshot(String sourceId, SnapshotMeta meta, long offset, SnapshotSink sink) {
        PeerSender source = sendersById.get(sourceId);
        if (source == null || closed) {
            snapshotFetchExecutor.execute(() -> sink.failed(new IllegalStateException("no connection to " + sourceId
                    + (closed ? ": transport closed" : ": not a known peer"))));
            return () -> { };
        }
        return SnapshotFetchCall.start(source.channel(), snapshotFetchExecutor, config.clusterId(), config.selfId(),
                meta, offset, sink);
    }

    public TransportCounters counters() {
        return new TransportCounters(senderCounters.sent().sum(), senderCounters.droppedQueueFull().sum(),
                droppedUnknownPeer.sum(), senderCounters.droppedStreamFailed().sum(), received.sum(),
                rejectedUnauthenticated.sum(), rejectedInvalid.sum());
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        sendersById.values().forEach(PeerSender::close);
        if (server != null) {
            server.shutdownNow();
        }
        snapshotSendExecutor.shutdownNow();
        snapshotFetchExecutor.shutdownNow();
        try {
            for (PeerSender sender : sendersById.values()) {
                sender.awaitTermination(CLOSE_TIMEOUT_MILLIS);
            }
            if (server != null) {
                server.awaitTermination(CLOSE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sendersById.clear();
    }

    private ManagedChannel openChannel(String address) {
        Metadata headers = new Metadata();
        headers.put(PeerTokenInterceptor.PEER_TOKEN_KEY, config.peerToken());
        return NettyChannelBuilder.forTarget(address, channelCredentials())
                .directExecutor()
                .maxInboundMessageSize(config.maxInboundMessageBytes())
                .keepAliveTime(30, TimeUnit.SECONDS)
                // grpc-java also makes this the socket's TCP_USER_TIMEOUT (Linux, epoll): since Raft sends to
                // every peer many times a second, a peer that vanished without a reset (a deleted pod's IP goes
                // silent) is dropped after this long instead of ~20 s; the sender then reconnects and resolves
                // the peer's DNS name again, which finds a recreated pod's new IP.
                .keepAliveTimeout(PEER_SILENCE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
                .intercept(MetadataUtils.newAttachHeadersInterceptor(headers))
                .build();
    }

    private ServerCredentials serverCredentials() {
        GrpcTransportConfig.Tls tls = config.tls();
        if (tls == null) {
            return InsecureServerCredentials.create();
        }
        try {
            return TlsServerCredentials.newBuilder()
                    .keyManager(tls.certificateChainPem().toFile(), tls.privateKeyPem().toFile())
                    .trustManager(tls.trustedCaPem().toFile())
                    .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE)
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the peer TLS files " + tls, e);
        }
    }

    private ChannelCredentials channelCredentials() {
        GrpcTransportConfig.Tls tls = config.tls();
        if (tls == null) {
            return InsecureChannelCredentials.create();
        }
        try {
            return TlsChannelCredentials.newBuilder()
                    .keyManager(tls.certificateChainPem().toFile(), tls.privateKeyPem().toFile())
                    .trustManager(tls.trustedCaPem().toFile())
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the peer TLS files " + tls, e);
        }
    }

    /**
     * Server side of {@code RaftPeer}: Deliver checks each envelope and hands its message to the inbox;
     * FetchSnapshot streams a snapshot file.
     */
    private final class PeerService extends RaftPeerGrpc.RaftPeerImplBase {
        private final Inbox inbox;
        private final SnapshotSender snapshots;

        PeerService(Inbox inbox, SnapshotSender snapshots) {
            this.inbox = inbox;
            this.snapshots = snapshots;
        }

        @Override
        public void fetchSnapshot(FetchSnapshotRequest request, StreamObserver<SnapshotChunk> responses) {
            snapshots.fetch(request, responses);
        }

        @Override
        public StreamObserver<PeerEnvelope> deliver(StreamObserver<DeliverAck> responses) {
            return new StreamObserver<>() {
                private boolean ended;

                @Override
                public void onNext(PeerEnvelope envelope) {
                    if (ended) {
                        return;
                    }
                    if (!config.clusterId().equals(envelope.getClusterId())) {
                        // A node of another cluster: end the stream so its sender backs off.
                        rejectedInvalid.increment();
                        ended = true;
                        responses.onError(Status.FAILED_PRECONDITION.withDescription("envelope for cluster '"
                                + envelope.getClusterId() + "' reached cluster '" + config.clusterId() + "'")
                                .asRuntimeException());
                        return;
                    }
                    Message message;
                    try {
                        message = ProtoCodec.decode(envelope.getMessage());
                    } catch (MalformedMessageException e) {
                        rejectedInvalid.increment();
                        LOG.debugf("dropping malformed peer message: %s", e.getMessage());
                        return;
                    }
                    if (!config.selfId().equals(message.to())) {
                        rejectedInvalid.increment(); // Stale address book on the sender; Raft will retry.
                        return;
                    }
                    received.increment();
                    if (!envelope.getSenderAddress().isEmpty() && !sendersById.containsKey(message.from())) {
                        learnSender(message.from(), envelope.getSenderAddress());
                    }
                    inbox.deliver(message);
                }

                @Override
                public void onError(Throwable error) {
                    ended = true; // The sender went away; it reconnects on its own.
                }

                @Override
                public void onCompleted() {
                    if (!ended) {
                        ended = true;
                        responses.onNext(DeliverAck.getDefaultInstance());
                        responses.onCompleted();
                    }
                }
            };
        }
    }
}
