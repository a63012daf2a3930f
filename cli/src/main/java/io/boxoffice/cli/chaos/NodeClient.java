package io.boxoffice.cli.chaos;

import io.boxoffice.proto.v1.AdminServiceGrpc;
import io.boxoffice.proto.v1.AuthServiceGrpc;
import io.boxoffice.proto.v1.BookingServiceGrpc;
import io.boxoffice.proto.v1.CatalogServiceGrpc;
import io.boxoffice.proto.v1.ClusterServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import java.util.concurrent.TimeUnit;

/**
 * gRPC stubs for one node's client port, with no retries and no leader-following of its own: the chaos
 * clients decide every attempt themselves, so the history records exactly what was sent where. Thread-safe.
 */
final class NodeClient implements AutoCloseable {

    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization",
            Metadata.ASCII_STRING_MARSHALLER);

    private final String host;
    private final int port;
    private final ManagedChannel channel;

    NodeClient(String host, int port) {
        this.host = host;
        this.port = port;
        this.channel = NettyChannelBuilder.forAddress(host, port).usePlaintext()
                .maxInboundMessageSize(16 * 1024 * 1024)
                .build();
    }

    String address() {
        return host + ":" + port;
    }

    private <S extends AbstractStub<S>> S prepare(S stub, String token, long deadlineMillis) {
        S withDeadline = stub.withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS);
        if (token == null || token.isEmpty()) {
            return withDeadline;
        }
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + token);
        return withDeadline.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    AuthServiceGrpc.AuthServiceBlockingStub auth(long deadlineMillis) {
        return prepare(AuthServiceGrpc.newBlockingStub(channel), null, deadlineMillis);
    }

    BookingServiceGrpc.BookingServiceBlockingStub booking(String token, long deadlineMillis) {
        return prepare(BookingServiceGrpc.newBlockingStub(channel), token, deadlineMillis);
    }

    CatalogServiceGrpc.CatalogServiceBlockingStub catalog(String token, long deadlineMillis) {
        return prepare(CatalogServiceGrpc.newBlockingStub(channel), token, deadlineMillis);
    }

    AdminServiceGrpc.AdminServiceBlockingStub admin(String token, long deadlineMillis) {
        return prepare(AdminServiceGrpc.newBlockingStub(channel), token, deadlineMillis);
    }

    ClusterServiceGrpc.ClusterServiceBlockingStub cluster(String token, long deadlineMillis) {
        return prepare(ClusterServiceGrpc.newBlockingStub(channel), token, deadlineMillis);
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
