package io.boxoffice.booking.api;

import io.boxoffice.booking.auth.AuthInterceptor;
import io.boxoffice.booking.cluster.ClusterNode;
import io.boxoffice.booking.config.BoxofficeConfig;
import io.boxoffice.raft.errors.NotLeaderException;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Forwards a unary request that needs the leader (a write, a linearizable read) to the leader's client
 * gRPC endpoint, exactly as the client sent it: same method, same message, same token (the leader
 * authenticates it again). The forwarded call is marked, so it is never forwarded a second time; should
 * the leader have moved meanwhile, the client gets UNAVAILABLE and retries.
 */
@ApplicationScoped
public class Forwarder {

    /** Channels kept open at once; members are few, so this only guards against churn. */
    static final int MAX_CHANNELS = 16;

    @Inject
    ClusterNode node;
    @Inject
    BoxofficeConfig config;

    private final Map<String, ManagedChannel> channels = new LinkedHashMap<>();

    /** Whether the current call may be forwarded (it is unary-capable and not forwarded already). */
    public static boolean forwardable() {
        return AuthInterceptor.METHOD.get() != null && !Boolean.TRUE.equals(AuthInterceptor.FORWARDED.get())
                && AuthInterceptor.METHOD.get().getType() == MethodDescriptor.MethodType.UNARY;
    }

    /** Captures what forwarding needs from the current call's context; call on the gRPC thread. */
    public static Route route() {
        return new Route(AuthInterceptor.METHOD.get(), AuthInterceptor.AUTHORIZATION_VALUE.get(), forwardable());
    }

    /**
     * Sends {@code request} to the leader {@code leaderId} and completes with its answer (or its status).
     * Fails with the original {@link NotLeaderException} when the leader's endpoint is unknown.
     */
    @SuppressWarnings("unchecked")
    public <Q, R> CompletableFuture<R> forward(Route route, String leaderId, Q request, NotLeaderException cause) {
        var endpoint = node.clientEndpointOf(leaderId);
        if (endpoint.isEmpty() || leaderId.equals(node.nodeId())) {
            return CompletableFuture.failedFuture(cause);
        }
        MethodDescriptor<Q, R> method = (MethodDescriptor<Q, R>) route.method();
        Metadata headers = new Metadata();
        if (route.authorization() != null) {
            headers.put(AuthInterceptor.AUTHORIZATION, route.authorization());
        }
        headers.put(AuthInterceptor.FORWARDED_BY, node.nodeId());
        ClientCall<Q, R> call = ClientInterceptors.intercept(channel(endpoint.get()),
                MetadataUtils.newAttachHeadersInterceptor(headers)).newCall(method, CallOptions.DEFAULT
                .withDeadlineAfter(config.raft().requestTimeoutMillis(), TimeUnit.MILLISECONDS));
        CompletableFuture<R> result = new CompletableFuture<>();
        ClientCalls.asyncUnaryCall(call,
                request, new StreamObserver<>() {
                    @Override
                    public void onNext(R value) {
                        result.complete(value);
                    }

                    @Override
                    public void onError(Throwable error) {
                        result.completeExceptionally(error);
                    }

                    @Override
                    public void onCompleted() {
                        if (!result.isDone()) {
                            result.completeExceptionally(new IllegalStateException("leader sent no response"));
                        }
                    }
                });
        return result;
    }

    /**
     * Calls {@code method} on the member {@code memberId} itself (not forwarded further), with the caller's
     * token, within {@code deadlineMillis}; fails when the member's endpoint is unknown or it does not answer.
     */
    public <Q, R> CompletableFuture<R> ask(Route route, String memberId, MethodDescriptor<Q, R> method, Q request,
                                           long deadlineMillis) {
        var endpoint = node.clientEndpointOf(memberId);
        if (endpoint.isEmpty()) {
            return CompletableFuture.failedFuture(new IllegalStateException("no client endpoint known for "
                    + memberId));
        }
        Metadata headers = new Metadata();
        if (route.authorization() != null) {
            headers.put(AuthInterceptor.AUTHORIZATION, route.authorization());
        }
        headers.put(AuthInterceptor.FORWARDED_BY, node.nodeId());
        ClientCall<Q, R> call = ClientInterceptors.intercept(channel(endpoint.get()),
                MetadataUtils.newAttachHeadersInterceptor(headers)).newCall(method, CallOptions.DEFAULT
                .withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS));
        CompletableFuture<R> result = new CompletableFuture<>();
        ClientCalls.asyncUnaryCall(call, request, new StreamObserver<>() {
            @Override
            public void onNext(R value) {
                result.complete(value);
            }

            @Override
            public void onError(Throwable error) {
                result.completeExceptionally(error);
            }

            @Override
            public void onCompleted() {
                if (!result.isDone()) {
                    result.completeExceptionally(new IllegalStateException(memberId + " sent no response"));
                }
            }
        });
        return result;
    }

    private synchronized ManagedChannel channel(String endpoint) {
        ManagedChannel channel = channels.get(endpoint);
        if (channel != null && !channel.isShutdown()) {
            return channel;
        }
        if (channels.size() >= MAX_CHANNELS) {
            String eldest = channels.keySet().iterator().next();
            channels.remove(eldest).shutdown();
        }
        channel = ManagedChannelBuilder.forTarget(endpoint).usePlaintext().build();
        channels.put(endpoint, channel);
        return channel;
    }

    @PreDestroy
    synchronized void close() {
        channels.values().forEach(ManagedChannel::shutdownNow);
        channels.clear();
    }

    /** What a call needs to be forwarded later, off the gRPC thread. */
    public record Route(MethodDescriptor<?, ?> method, String authorization, boolean allowed) {
    }
}
