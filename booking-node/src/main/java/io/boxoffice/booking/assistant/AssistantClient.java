package io.boxoffice.booking.assistant;

import io.boxoffice.booking.config.BoxofficeConfig;
import io.boxoffice.proto.assistant.v1.AskChunk;
import io.boxoffice.proto.assistant.v1.AskRequest;
import io.boxoffice.proto.assistant.v1.AssistantGrpc;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.stub.StreamObserver;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The gRPC client of llm-service ({@code boxoffice.assistant.v1.Assistant}). Configured by
 * {@code boxoffice.assistant.address}; without it {@link #configured()} is false and Ask answers
 * UNAVAILABLE. One channel, opened on first use; gRPC reconnects it by itself.
 */
@ApplicationScoped
public class AssistantClient {

    /** How long a call waits for a reconnect after llm-service was unreachable. */
    static final long RECONNECT_WAIT_MILLIS = 1000;

    @Inject
    BoxofficeConfig config;

    private ManagedChannel channel;

    public boolean configured() {
        return config.assistant().address().filter(address -> !address.isBlank()).isPresent();
    }

    public String address() {
        return config.assistant().address().orElse("(not configured)");
    }

    /** Streams the answer into {@code responses}; the call is bounded by {@code boxoffice.assistant.timeout-millis}. */
    public void ask(AskRequest request, StreamObserver<AskChunk> responses) {
        ManagedChannel current = channel();
        if (current.getState(true) == ConnectivityState.TRANSIENT_FAILURE) {
            // llm-service was down a moment ago; reconnect now rather than after gRPC's backoff, and give the
            // attempt a moment, so a restarted service answers at once and one still down fails fast.
            current.resetConnectBackoff();
            awaitSettled(current, RECONNECT_WAIT_MILLIS);
        }
        AssistantGrpc.newStub(current).withDeadlineAfter(config.assistant().timeoutMillis(), TimeUnit.MILLISECONDS)
                .ask(request, responses);
    }

    /** Waits (bounded) until the channel is neither connecting nor idle. Runs on a worker thread, never an event loop. */
    private static void awaitSettled(ManagedChannel channel, long maxMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxMillis);
        ConnectivityState state = channel.getState(true);
        while ((state == ConnectivityState.CONNECTING || state == ConnectivityState.IDLE
                || state == ConnectivityState.TRANSIENT_FAILURE) && System.nanoTime() < deadline) {
            CountDownLatch changed = new CountDownLatch(1);
            channel.notifyWhenStateChanged(state, changed::countDown);
            try {
                if (!changed.await(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            ConnectivityState next = channel.getState(false);
            if (state == ConnectivityState.CONNECTING && next == ConnectivityState.TRANSIENT_FAILURE) {
                return; // The attempt failed: the service is down; the call will say so.
            }
            state = next;
        }
    }

    private synchronized ManagedChannel channel() {
        if (channel == null) {
            String address = config.assistant().address().orElseThrow(() -> new IllegalStateException(
                    "boxoffice.assistant.address is not set"));
            channel = ManagedChannelBuilder.forTarget(address.trim()).usePlaintext().build();
        }
        return channel;
    }

    Optional<ManagedChannel> openChannel() {
        return Optional.ofNullable(channel);
    }

    @PreDestroy
    synchronized void close() {
        if (channel != null) {
            channel.shutdownNow();
        }
    }
}
