package io.boxoffice.raft.transport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Settings of {@link GrpcTransport}. Validated as a whole: {@link #validated()} reports every problem
 * at once, each with its fix.
 *
 * @param selfId                    this node's member id; inbound messages for another id are dropped
 * @param clusterId                 carried in every envelope; envelopes of another cluster are refused
 * @param bindHost                  address the peer server listens on ({@code 0.0.0.0} for all)
 * @param bindPort                  peer port; 0 picks a free port, see {@link GrpcTransport#boundPort()}
 * @param peerToken                 shared cluster secret sent as {@code x-boxoffice-peer-token} on every call
 * @param maxQueuedMessagesPerPeer  outbound messages buffered per peer; more are dropped and counted
 * @param reconnectBackoffMinMillis first delay before reconnecting a failed stream
 * @param reconnectBackoffMaxMillis cap of the exponentially growing, jittered reconnect delay
 * @param maxInboundMessageBytes    largest accepted envelope; must exceed the largest append or snapshot chunk
 * @param tls                       certificate files for mutual TLS, or {@code null} for plaintext
 * @param advertisedAddress         {@code host:port} at which peers reach this node, sent with every message so
 *                                  that a node that does not know it yet can answer; {@code null}: not sent
 * @param snapshotChunkBytes        bytes per chunk of a snapshot file sent to a follower
 * @param maxSnapshotStreams        snapshot files this node sends at once; more fetches are refused (retried)
 */
public record GrpcTransportConfig(String selfId, String clusterId, String bindHost, int bindPort, String peerToken,
                                  int maxQueuedMessagesPerPeer, long reconnectBackoffMinMillis,
                                  long reconnectBackoffMaxMillis, int maxInboundMessageBytes, Tls tls,
                                  String advertisedAddress, int snapshotChunkBytes, int maxSnapshotStreams) {

    /** A secret shorter than this is too easy to guess to guard the peer port. */
    public static final int MIN_PEER_TOKEN_LENGTH = 16;

    /**
     * PEM files for mutual TLS between peers: each node presents its certificate and accepts only
     * peers whose certificate is signed by the trusted CA.
     */
    public record Tls(Path certificateChainPem, Path privateKeyPem, Path trustedCaPem) {
        public Tls {
            Objects.requireNonNull(certificateChainPem, "certificateChainPem");
            Objects.requireNonNull(privateKeyPem, "privateKeyPem");
            Objects.requireNonNull(trustedCaPem, "trustedCaPem");
        }
    }

    /** Defaults for a node on {@code bindHost:bindPort}, plaintext. */
    public static GrpcTransportConfig defaults(String selfId, String clusterId, String bindHost, int bindPort,
                                               String peerToken) {
        return new GrpcTransportConfig(selfId, clusterId, bindHost, bindPort, peerToken, 4096, 50, 2_000,
                16 * 1024 * 1024, null, null, 1024 * 1024, 4);
    }

    public GrpcTransportConfig withMaxQueuedMessagesPerPeer(int messages) {
        return new GrpcTransportConfig(selfId, clusterId, bindHost, bindPort, peerToken, messages,
                reconnectBackoffMinMillis, reconnectBackoffMaxMillis, maxInboundMessageBytes, tls,
                advertisedAddress, snapshotChunkBytes, maxSnapshotStreams);
    }

    public GrpcTransportConfig withReconnectBackoffMillis(long minMillis, long maxMillis) {
        return new GrpcTransportConfig(selfId, clusterId, bindHost, bindPort, peerToken, maxQueuedMessagesPerPeer,
                minMillis, maxMillis, maxInboundMessageBytes, tls,
                advertisedAddress, snapshotChunkBytes, maxSnapshotStreams);
    }

    public GrpcTransportConfig withTls(Tls newTls) {
        return new GrpcTransportConfig(selfId, clusterId, bindHost, bindPort, peerToken, maxQueuedMessagesPerPeer,
                reconnectBackoffMinMillis, reconnectBackoffMaxMillis, maxInboundMessageBytes, newTls,
                advertisedAddress, snapshotChunkBytes, maxSnapshotStreams);
    }

    /** Sends {@code address} ({@code host:port}, the name peers use for this node) with every message. */
    public GrpcTransportConfig withAdvertisedAddress(String address) {
        return new GrpcTransportConfig(selfId, clusterId, bindHost, bindPort, peerToken, maxQueuedMessagesPerPeer,
                reconnectBackoffMinMillis, reconnectBackoffMaxMillis, maxInboundMessageBytes, tls,
                address, snapshotChunkBytes, maxSnapshotStreams);
    }

    /** Chunk size and concurrent streams for sending snapshot files. */
    public GrpcTransportConfig withSnapshotLimits(int chunkBytes, int streams) {
        return new GrpcTransportConfig(selfId, clusterId, bindHost, bindPort, peerToken, maxQueuedMessagesPerPeer,
                reconnectBackoffMinMillis, reconnectBackoffMaxMillis, maxInboundMessageBytes, tls, advertisedAddress,
                chunkBytes, streams);
    }

    /** Every problem with these settings, each with the fix; empty when valid. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (selfId == null || selfId.isBlank()) {
            problems.add("selfId must be set to this node's member id");
        }
        if (clusterId == null || clusterId.isBlank()) {
            problems.add("clusterId must be set, the same on every node of the cluster");
        }
        if (bindHost == null || bindHost.isBlank()) {
            problems.add("bindHost must be set, e.g. 0.0.0.0 to listen on every interface");
        }
        if (bindPort < 0 || bindPort > 65_535) {
            problems.add("bindPort must be in [0, 65535] (0 picks a free port), was " + bindPort);
        }
        if (peerToken == null || peerToken.length() < MIN_PEER_TOKEN_LENGTH) {
            problems.add("peerToken must be a shared secret of at least " + MIN_PEER_TOKEN_LENGTH
                    + " characters, e.g. generated with `openssl rand -hex 32`");
        }
        if (maxQueuedMessagesPerPeer < 1) {
            problems.add("maxQueuedMessagesPerPeer must be >= 1, was " + maxQueuedMessagesPerPeer);
        }
        if (reconnectBackoffMinMillis < 1 || reconnectBackoffMaxMillis < reconnectBackoffMinMillis) {
            problems.add("reconnect backoff needs 1 <= min <= max, was min " + reconnectBackoffMinMillis
                    + " max " + reconnectBackoffMaxMillis);
        }
        if (maxInboundMessageBytes < 64 * 1024) {
            problems.add("maxInboundMessageBytes must be >= 65536 and above the largest append batch and snapshot"
                    + " chunk, was " + maxInboundMessageBytes);
        }
        if (snapshotChunkBytes < 1024 || snapshotChunkBytes > maxInboundMessageBytes - 1024) {
            problems.add("snapshotChunkBytes must be in [1024, maxInboundMessageBytes - 1024] (" + (maxInboundMessageBytes
                    - 1024) + "), was " + snapshotChunkBytes);
        }
        if (maxSnapshotStreams < 1) {
            problems.add("maxSnapshotStreams must be >= 1, was " + maxSnapshotStreams);
        }
        if (advertisedAddress != null && !isHostAndPort(advertisedAddress)) {
            problems.add("advertisedAddress must be host:port, the address peers use for this node, was '"
                    + advertisedAddress + "'");
        }
        if (tls != null) {
            for (Path file : List.of(tls.certificateChainPem(), tls.privateKeyPem(), tls.trustedCaPem())) {
                if (!Files.isReadable(file)) {
                    problems.add("TLS file " + file + " is not readable; fix the path or leave TLS off");
                }
            }
        }
        return problems;
    }

    /** Whether {@code address} looks like {@code host:port} (a peer address learned from an envelope, too). */
    static boolean isHostAndPort(String address) {
        int colon = address.lastIndexOf(':');
        if (colon <= 0 || colon == address.length() - 1 || address.length() > 300) {
            return false;
        }
        try {
            int port = Integer.parseInt(address.substring(colon + 1));
            return port >= 1 && port <= 65_535;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Throws {@link IllegalArgumentException} listing every problem at once. */
    public GrpcTransportConfig validated() {
        List<String> problems = problems();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid peer transport configuration: " + String.join("; ", problems));
        }
        return this;
    }

    @Override
    public String toString() {
        return "GrpcTransportConfig[selfId=" + selfId + ", clusterId=" + clusterId + ", bind=" + bindHost + ":"
                + bindPort + ", peerToken=<redacted>, maxQueuedMessagesPerPeer=" + maxQueuedMessagesPerPeer
                + ", tls=" + (tls != null) + ", advertisedAddress=" + advertisedAddress + "]";
    }
}
