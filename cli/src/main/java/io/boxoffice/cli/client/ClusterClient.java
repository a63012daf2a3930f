package io.boxoffice.cli.client;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ForwardingClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;

/**
 * Sends calls to a cluster of booking nodes given as a list of endpoints, and keeps going through leader
 * changes and node failures.
 *
 * <p>Each call starts at the preferred node (the one that answered last). When a node fails with a
 * retryable status ({@link RetryPolicy#isRetryable}), the next attempt goes to the leader the node named in
 * its {@code x-boxoffice-leader} trailer when that member's endpoint is known and was not tried yet in this
 * call (at once, without backoff), else to the next node of the list after a jittered exponential backoff.
 * The request is sent unchanged on every attempt, so its idempotency key is the same: a write that was
 * applied before the failure returns its first result and is never applied twice. Attempts are bounded by
 * the policy; the last failure is thrown as a {@link CallFailedException}.
 *
 * <p>Thread-safe: one instance serves many concurrent callers (the load generator shares one), each passing
 * its own token. Channels are opened lazily, one per endpoint, and closed by {@link #close()}.
 */
public final class ClusterClient implements AutoCloseable {

    /** Opens the channel of one endpoint. */
    @FunctionalInterface
    public interface ChannelFactory {
        ManagedChannel open(Endpoint endpoint);
    }

    /** Waits between attempts; tests record the delays instead of sleeping. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    /** One attempt of a call on a channel that already carries the token and the attempt's deadline. */
    @FunctionalInterface
    public interface Rpc<T> {
        T call(Channel channel);
    }

    /** Told about every retry, for {@code --verbose} output and the load generator's counters. */
    @FunctionalInterface
    public interface RetryListener {
        void onRetry(int failedAttempt, Endpoint failed, Status status, Endpoint next, long delayMillis);
    }

    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization",
            Metadata.ASCII_STRING_MARSHALLER);

    private final List<Endpoint> endpoints;
    private final RetryPolicy policy;
    private final ChannelFactory channelFactory;
    private final Sleeper sleeper;
    private final DoubleSupplier jitter;
    private final Map<Endpoint, ManagedChannel> channels = new ConcurrentHashMap<>();
    private final AtomicInteger preferred = new AtomicInteger();
    private volatile RetryListener retryListener = (attempt, failed, status, next, delay) -> { };

    public ClusterClient(List<Endpoint> endpoints, RetryPolicy policy, ChannelFactory channelFactory,
                         Sleeper sleeper, DoubleSupplier jitter) {
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("at least one node endpoint is needed");
        }
        this.endpoints = List.copyOf(endpoints);
        this.policy = policy;
        this.channelFactory = channelFactory;
        this.sleeper = sleeper;
        this.jitter = jitter;
    }

    /** A client over real plaintext gRPC connections. */
    public static ClusterClient connect(List<Endpoint> endpoints, RetryPolicy policy) {
        return new ClusterClient(endpoints, policy, Channels::plaintext, Thread::sleep,
                () -> java.util.concurrent.ThreadLocalRandom.current().nextDouble());
    }

    public List<Endpoint> endpoints() {
        return endpoints;
    }

    public RetryPolicy policy() {
        return policy;
    }

    /** The node the next call starts at: the one that answered last. */
    public Endpoint preferredEndpoint() {
        return endpoints.get(preferred.get());
    }

    /** Makes calls start at the node with this member id, when it is known. */
    public void prefer(String nodeId) {
        indexOf(nodeId).ifPresent(preferred::set);
    }

    public void onRetry(RetryListener listener) {
        this.retryListener = listener;
    }

    /** Runs a unary call with the policy's attempt deadline. */
    public <T> T call(String token, Rpc<T> rpc) {
        return call(token, policy.attemptTimeoutMillis(), rpc);
    }

    /**
     * Runs a unary call, retrying as the class comment describes.
     *
     * @param token bearer token, or {@code null} for the unauthenticated Login
     * @throws CallFailedException with the last status when the call failed for good
     */
    public <T> T call(String token, long attemptTimeoutMillis, Rpc<T> rpc) {
        Set<Integer> tried = new HashSet<>();
        int index = preferred.get();
        for (int attempt = 1; ; attempt++) {
            Endpoint endpoint = endpoints.get(index);
            tried.add(index);
            try {
                T result = rpc.call(channel(endpoint, token, attemptTimeoutMillis));
                preferred.set(index);
                return result;
            } catch (StatusRuntimeException failure) {
                index = nextAfterFailure(attempt, index, tried, failure);
            }
        }
    }

    /**
     * Runs a server-streaming call and hands each message to {@code each}. Retried like a unary call, but
     * only until the first message arrived: a stream that broke halfway is reported, not replayed.
     */
    public <R> void stream(String token, long timeoutMillis, Rpc<Iterator<R>> rpc, Consumer<R> each) {
        Set<Integer> tried = new HashSet<>();
        int index = preferred.get();
        for (int attempt = 1; ; attempt++) {
            Endpoint endpoint = endpoints.get(index);
            tried.add(index);
            boolean received = false;
            try {
                Iterator<R> messages = rpc.call(channel(endpoint, token, timeoutMillis));
                while (messages.hasNext()) {
                    R message = messages.next();
                    received = true;
                    each.accept(message);
                }
                preferred.set(index);
                return;
            } catch (StatusRuntimeException failure) {
                if (received) {
                    throw new CallFailedException(failure, attempt, endpoint);
                }
                index = nextAfterFailure(attempt, index, tried, failure);
            }
        }
    }

    /** Decides the next attempt's node after {@code failure}, waits the backoff, or throws when done. */
    private int nextAfterFailure(int attempt, int index, Set<Integer> tried, StatusRuntimeException failure) {
        Endpoint failed = endpoints.get(index);
        Status status = failure.getStatus();
        Metadata trailers = failure.getTrailers();
        if (!RetryPolicy.isRetryable(status, trailers) || attempt >= policy.attemptsMax()) {
            throw new CallFailedException(failure, attempt, failed);
        }
        Optional<Integer> hinted = hintedLeader(trailers).flatMap(this::indexOf).filter(i -> i != index);
        int next;
        long delayMillis;
        if (hinted.isPresent() && !tried.contains(hinted.get())) {
            next = hinted.get();
            delayMillis = 0;
        } else {
            next = (index + 1) % endpoints.size();
            delayMillis = policy.backoffMillis(attempt + 1, RetryPolicy.retryAfterMillis(trailers),
                    jitter.getAsDouble());
        }
        retryListener.onRetry(attempt, failed, status, endpoints.get(next), delayMillis);
        if (delayMillis > 0) {
            try {
                sleeper.sleep(delayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CallFailedException(failure, attempt, failed);
            }
        }
        ManagedChannel nextChannel = channels.get(endpoints.get(next));
        if (nextChannel != null) {
            // A channel that failed to connect waits up to minutes before trying again; a restarted node
            // should be usable on the very next attempt.
            nextChannel.resetConnectBackoff();
        }
        preferred.set(next);
        return next;
    }

    private static Optional<String> hintedLeader(Metadata trailers) {
        if (trailers == null) {
            return Optional.empty();
        }
        String hint = trailers.get(RetryPolicy.LEADER_HINT);
        return hint == null || hint.isBlank() ? Optional.empty() : Optional.of(hint.trim());
    }

    private Optional<Integer> indexOf(String nodeId) {
        for (int i = 0; i < endpoints.size(); i++) {
            if (endpoints.get(i).nodeId().filter(nodeId::equals).isPresent()) {
                return Optional.of(i);
            }
        }
        return Optional.empty();
    }

    private Channel channel(Endpoint endpoint, String token, long timeoutMillis) {
        ManagedChannel channel = channels.computeIfAbsent(endpoint, channelFactory::open);
        return ClientInterceptors.intercept(channel, new AttemptInterceptor(token, timeoutMillis));
    }

    @Override
    public void close() {
        for (ManagedChannel channel : channels.values()) {
            channel.shutdownNow();
        }
        for (ManagedChannel channel : channels.values()) {
            try {
                channel.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Adds the bearer token and the attempt's deadline to a call. */
    private record AttemptInterceptor(String token, long timeoutMillis) implements ClientInterceptor {
        @Override
        public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options,
                                                     Channel next) {
            CallOptions withDeadline = options.withDeadlineAfter(timeoutMillis, TimeUnit.MILLISECONDS);
            return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, withDeadline)) {
                @Override
                public void start(Listener<R> listener, Metadata headers) {
                    if (token != null && !token.isBlank()) {
                        headers.put(AUTHORIZATION, "Bearer " + token);
                    }
                    super.start(listener, headers);
                }
            };
        }
    }
}
