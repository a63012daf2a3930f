package io.boxoffice.raft.transport;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.atomic.LongAdder;

/**
 * Refuses every peer call that does not carry the cluster's shared secret, with UNAUTHENTICATED.
 * Compares SHA-256 digests with {@link MessageDigest#isEqual}, which takes the same time whatever
 * the input, so neither the token's content nor its length leaks through timing.
 */
final class PeerTokenInterceptor implements ServerInterceptor {

    static final Metadata.Key<String> PEER_TOKEN_KEY =
            Metadata.Key.of("x-boxoffice-peer-token", Metadata.ASCII_STRING_MARSHALLER);

    private final byte[] expectedDigest;
    private final LongAdder rejected;

    PeerTokenInterceptor(String peerToken, LongAdder rejected) {
        this.expectedDigest = sha256(peerToken);
        this.rejected = rejected;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        String presented = headers.get(PEER_TOKEN_KEY);
        if (presented == null || !MessageDigest.isEqual(expectedDigest, sha256(presented))) {
            rejected.increment();
            call.close(Status.UNAUTHENTICATED.withDescription("missing or wrong x-boxoffice-peer-token"),
                    new Metadata());
            return new ServerCall.Listener<>() {
            };
        }
        return next.startCall(call, headers);
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK provides SHA-256", e);
        }
    }
}
