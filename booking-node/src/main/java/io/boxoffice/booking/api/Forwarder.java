package io.boxoffice.booking.api;

import io.boxoffice.booking.auth.AuthInterceptor;
import io.boxoffice.booking.cluster.ClusterNode;
import io.boxoffice.booking.config.BoxofficeConfig;
import io.boxoffice.raft.errors.NotLeaderException;
import io.boxoffice.raft.core.RaftStatus;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptors;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
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
    /** Keep-alive pings on a forwarding connection with calls in flight (grpc-java's minimum is 10 s). */
    static final long FORWARD_KEEPALIVE_SECONDS = 30;
    /** A leader that acknowledges nothing for this long is gone: the connection is closed and re-resolved. */
    static final long FORWARD_SILENCE_TIMEOUT_MILLIS = 2_000;

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
        return new Route(AuthInterceptor.METHOD.get(), AuthInterceptor.AUTHORIZATION_VALUE.get(), forwardable(),
                Context.current().getDeadline());
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
        return call(route, endpoint.get(), (MethodDescriptor<Q, R>) route.method(), request, deadlineOf(route),
                error -> error instanceof StatusRuntimeException status
                        ? clientFailureOf(status, leaderId, currentLeader()) : error, "the leader");
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
        return call(route, endpoint.get(), method, request, Deadline.after(deadlineMillis, TimeUnit.MILLISECONDS),
                error -> error, memberId);
    }

    /** One unary call to {@code endpoint} with the caller's token, marked as forwarded by this node. */
    private <Q, R> CompletableFuture<R> call(Route route, String endpoint, MethodDescriptor<Q, R> method, Q request,
                                             Deadline deadline, java.util.function.UnaryOperator<Throwable> failure,
                                             String peer) {
        Metadata headers = new Metadata();
        if (route.authorization() != null) {
            headers.put(AuthInterceptor.AUTHORIZATION, route.authorization());
        }
        headers.put(AuthInterceptor.FORWARDED_BY, node.nodeId());
        ClientCall<Q, R> call = ClientInterceptors.intercept(channel(endpoint),
                MetadataUtils.newAttachHeadersInterceptor(headers)).newCall(method, CallOptions.DEFAULT
                .withDeadline(deadline));
        CompletableFuture<R> result = new CompletableFuture<>();
        ClientCalls.asyncUnaryCall(call, request, new StreamObserver<>() {
            @Override
            public void onNext(R value) {
                result.complete(value);
            }

            @Override
            public void onError(Throwable error) {
                result.completeExceptionally(failure.apply(error));
            }

            @Override
            public void onCompleted() {
                if (!result.isDone()) {
                    result.completeExceptionally(new IllegalStateException(peer + " sent no response"));
                }
            }
        });
        return result;
    }

    /**
     * The forwarded call's deadline: the client's own when it has one (the answer is useless after it), never
     * later than {@code boxoffice.raft.request-timeout-millis}.
     */
    private Deadline deadlineOf(Route route) {
        Deadline bound = Deadline.after(config.raft().requestTimeoutMillis(), TimeUnit.MILLISECONDS);
        return route.deadline() == null ? bound : route.deadline().minimum(bound);
    }

    /** The leader this node knows now (it may have learnt of a new one while the call was under way). */
    private Optional<String> currentLeader() {
        return node.status().map(RaftStatus::leaderId).filter(id -> !id.equals(node.nodeId()));
    }

    /**
     * What the client gets when the forwarded call failed: the leader's own answer as it is, trailers included
     * (taken seats, error details, retry hints), but a connection that broke before the leader answered (see
     * {@link GrpcErrors#connectionLost}) becomes UNAVAILABLE, which clients retry, with the retry-after trailer
     * and, when this node knows the leader now, its id as the leader hint. The leader may have applied the
     * request, so the retry must carry the same idempotency key, which every write has.
     */
    static StatusRuntimeException clientFailureOf(StatusRuntimeException forwarded, String leaderId,
                                                  Optional<String> leaderNow) {
        Status status = forwarded.getStatus();
        if (GrpcErrors.connectionLost(status)) {
            return Status.UNAVAILABLE.withDescription("the connection to the leader " + leaderId + " broke before it "
                            + "answered (" + status.getCode() + " " + status.getDescription() + "); it may have applied "
                            + "the request: retry with the same idempotency key")
                    .withCause(forwarded).asRuntimeException(retryHints(new Metadata(), leaderNow));
        }
        if (status.getCode() == Status.Code.UNAVAILABLE) {
            // The leader could not be reached, or said so itself: either way the client retries, helped by hints.
            Metadata trailers = forwarded.getTrailers() == null ? new Metadata() : forwarded.getTrailers();
            return status.asRuntimeException(retryHints(trailers, leaderNow));
        }
        return forwarded;
    }

    /** Adds the retry-after and leader hints to {@code trailers} where they are missing. */
    private static Metadata retryHints(Metadata trailers, Optional<String> leaderNow) {
        if (!trailers.containsKey(GrpcErrors.RETRY_AFTER_MILLIS)) {
            trailers.put(GrpcErrors.RETRY_AFTER_MILLIS, String.valueOf(GrpcErrors.ELECTION_RETRY_MILLIS));
        }
        if (!trailers.containsKey(GrpcErrors.LEADER_HINT)) {
            leaderNow.ifPresent(leader -> trailers.put(GrpcErrors.LEADER_HINT, leader));
        }
        return trailers;
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
        // A leader whose pod was deleted vanishes without a TCP reset: a connection to its old IP stays "open"
        // and a forwarded call on it would hang until its deadline, even after the pod came back under the same
        // name (a new IP) and became leader again. grpc-java makes the keep-alive timeout the socket's
        // TCP_USER_TIMEOUT (Linux, epoll): unacknowledged data for that long closes the connection, the call fails
        // UNAVAILABLE (the client retries with its idempotency key) and the next call resolves the name again.
        channel = ManagedChannelBuilder.forTarget(endpoint).usePlaintext()
                .keepAliveTime(FORWARD_KEEPALIVE_SECONDS, TimeUnit.SECONDS)
                .keepAliveTimeout(FORWARD_SILENCE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
                .build();
        channels.put(endpoint, channel);
        return channel;
    }

    @PreDestroy
    synchronized void close() {
        channels.values().forEach(ManagedChannel::shutdownNow);
        channels.clear();
    }

    /**
     * What a call needs to be forwarded later, off the gRPC thread.
     *
     * @param deadline the client's deadline, or null when it set none
     */
    public record Route(MethodDescriptor<?, ?> method, String authorization, boolean allowed, Deadline deadline) {
    }
}
