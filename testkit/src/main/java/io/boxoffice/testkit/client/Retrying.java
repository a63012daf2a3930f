package io.boxoffice.testkit.client;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Bounded retries of gRPC calls, the way a client behind a Service retries: a failure the predicate calls
 * retriable is tried again, on the target chosen for the next attempt (the next node, the leader), after a
 * pause; anything else is an answer. The caller keeps the same request, so the same idempotency key, on every
 * attempt. Each retry is bounded by attempts or time (or both); exhausting them is an {@link Outcome}, not an
 * exception, so a test can count "unknown" outcomes.
 *
 * <p>Immutable and thread-safe (the {@link #onRetry} callback must be too).
 */
public final class Retrying {

    /** The node is not there or did not answer in time: the request may or may not have been applied. */
    public static final Predicate<StatusRuntimeException> UNAVAILABLE_OR_DEADLINE = e -> {
        Status.Code code = e.getStatus().getCode();
        return code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED;
    };
    /**
     * The node is not there, is stopping, or knows no leader: what a client retries elsewhere with the same key.
     * Nothing else: a reset stream (INTERNAL "RST_STREAM ...") is a failure, which a graceful stop must not cause.
     */
    public static final Predicate<StatusRuntimeException> UNAVAILABLE = e ->
            e.getStatus().getCode() == Status.Code.UNAVAILABLE;
    /** Every failure (set-up calls that must get through a period of elections). */
    public static final Predicate<StatusRuntimeException> ANY_FAILURE = e -> true;

    private static final Metadata.Key<String> RETRY_AFTER_MILLIS =
            Metadata.Key.of("x-boxoffice-retry-after-millis", Metadata.ASCII_STRING_MARSHALLER);

    private final Predicate<StatusRuntimeException> retriable;
    private final int attemptsMax;
    private final long boundNanos;
    private final Duration pause;
    private final Duration pauseHintMax;
    private final Consumer<StatusRuntimeException> onRetry;

    private Retrying(Predicate<StatusRuntimeException> retriable, int attemptsMax, long boundNanos, Duration pause,
                     Duration pauseHintMax, Consumer<StatusRuntimeException> onRetry) {
        this.retriable = retriable;
        this.attemptsMax = attemptsMax;
        this.boundNanos = boundNanos;
        this.pause = pause;
        this.pauseHintMax = pauseHintMax;
        this.onRetry = onRetry;
    }

    /** Retries what {@code retriable} accepts; give a bound with {@link #attemptsMax} and/or {@link #within}. */
    public static Retrying on(Predicate<StatusRuntimeException> retriable) {
        return new Retrying(retriable, Integer.MAX_VALUE, Long.MAX_VALUE, Duration.ofMillis(100), null, e -> { });
    }

    public Retrying attemptsMax(int attempts) {
        if (attempts < 1) {
            throw new IllegalArgumentException("attemptsMax must be at least 1, was " + attempts);
        }
        return new Retrying(retriable, attempts, boundNanos, pause, pauseHintMax, onRetry);
    }

    /** No retry starts once {@code bound} has passed since the first attempt. */
    public Retrying within(Duration bound) {
        return new Retrying(retriable, attemptsMax, bound.toNanos(), pause, pauseHintMax, onRetry);
    }

    public Retrying pausing(Duration between) {
        return new Retrying(retriable, attemptsMax, boundNanos, between, null, onRetry);
    }

    /**
     * Pauses as long as the node's {@code x-boxoffice-retry-after-millis} trailer says (at most {@code max}),
     * or {@code fallback} when it says nothing.
     */
    public Retrying pausingAsHinted(Duration fallback, Duration max) {
        return new Retrying(retriable, attemptsMax, boundNanos, fallback, max, onRetry);
    }

    /** Called with each failure that is retried. */
    public Retrying onRetry(Consumer<StatusRuntimeException> callback) {
        return new Retrying(retriable, attemptsMax, boundNanos, pause, pauseHintMax, callback);
    }

    /**
     * How a retried call ended.
     *
     * @param value     the answer, or null when the call failed
     * @param failure   the last failure, or null on success
     * @param target    the target that gave the answer (or the last one tried)
     * @param attempts  calls made, 1 or more
     * @param exhausted the last failure was retriable, but the bound was reached: the outcome is unknown
     */
    public record Outcome<C, T>(T value, StatusRuntimeException failure, C target, int attempts, boolean exhausted) {
        public boolean succeeded() {
            return failure == null;
        }

        /** The value, or the last failure thrown. */
        public T orThrow() {
            if (failure != null) {
                throw failure;
            }
            return value;
        }
    }

    /** Calls {@code call} on {@code target.apply(attempt)} (attempt 0, 1, ...) until an answer or the bound. */
    public <C, T> Outcome<C, T> call(IntFunction<C> target, Function<C, T> call) {
        long start = System.nanoTime();
        for (int attempt = 0; ; attempt++) {
            C chosen = target.apply(attempt);
            try {
                return new Outcome<>(call.apply(chosen), null, chosen, attempt + 1, false);
            } catch (StatusRuntimeException e) {
                if (!retriable.test(e)) {
                    return new Outcome<>(null, e, chosen, attempt + 1, false);
                }
                if (attempt + 1 >= attemptsMax || System.nanoTime() - start > boundNanos) {
                    return new Outcome<>(null, e, chosen, attempt + 1, true);
                }
                onRetry.accept(e);
                sleep(pauseAfter(e));
            }
        }
    }

    /** Calls {@code call} until an answer or the bound; returns the value or throws the last failure. */
    public <T> T call(Supplier<T> call) {
        return call(attempt -> null, ignored -> call.get()).orThrow();
    }

    private Duration pauseAfter(StatusRuntimeException e) {
        if (pauseHintMax == null) {
            return pause;
        }
        String hint = e.getTrailers() == null ? null : e.getTrailers().get(RETRY_AFTER_MILLIS);
        try {
            return hint == null ? pause : Duration.ofMillis(Math.min(pauseHintMax.toMillis(), Long.parseLong(hint)));
        } catch (NumberFormatException malformed) {
            return pause;
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted between retries", e);
        }
    }
}
