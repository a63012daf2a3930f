package io.boxoffice.cli.client;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;

/** Opens the client's gRPC channels. */
public final class Channels {

    /** Largest message the CLI accepts: a seat map of the largest screen is far smaller. */
    static final int INBOUND_MESSAGE_BYTES_MAX = 16 * 1024 * 1024;

    private Channels() {
    }

    /** A plaintext channel (the cluster is on loopback or behind a TLS-terminating ingress). */
    public static ManagedChannel plaintext(Endpoint endpoint) {
        return NettyChannelBuilder.forAddress(endpoint.host(), endpoint.port())
                .usePlaintext()
                .maxInboundMessageSize(INBOUND_MESSAGE_BYTES_MAX)
                .build();
    }
}
