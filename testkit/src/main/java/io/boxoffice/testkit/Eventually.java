package io.boxoffice.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Waits for a condition instead of sleeping for a fixed time: polls a probe until it yields a value, within a
 * bound, and fails with what was awaited, the last failure the probe met and whatever diagnostics the caller
 * attached (node log tails, readiness). A probe "has no value yet" when it returns {@code null} or
 * {@code false} (or, for {@link #untilPresent}, an empty {@link Optional}), or throws one of the exception
 * types the wait ignores (for example
 * {@code StatusRuntimeException} while a node is still electing).
 *
 * <p>Immutable: each {@code with…} returns a new wait, so one configured wait can be shared. Not for fault
 * durations (a partition that must last 2 s is a sleep by design); for anything that <em>becomes</em> true.
 *
 * <pre>{@code
 * Booking replica = Eventually.within(Duration.ofSeconds(20)).ignoring(StatusRuntimeException.class)
 *         .withDiagnostics(cluster::logTails)
 *         .until("booking on node-3", () -> client.bookingStale(token, id));
 * }</pre>
 */
public final class Eventually {

    private static final Duration DEFAULT_POLL = Duration.ofMillis(50);

    private final Duration bound;
    private final Duration pollInterval;
    private final long notAfterNanos;
    private final List<Class<? extends RuntimeException>> ignored;
    private final Supplier<String> diagnostics;
    private final Supplier<String> abortReason;

    private Eventually(Duration bound, Duration pollInterval, long notAfterNanos,
                       List<Class<? extends RuntimeException>> ignored, Supplier<String> diagnostics,
                       Supplier<String> abortReason) {
        if (bound.isNegative() || bound.isZero()) {
            throw new IllegalArgumentException("the bound must be positive, was " + bound);
        }
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("the poll interval must be positive, was " + pollInterval);
        }
        this.bound = bound;
        this.pollInterval = pollInterval;
        this.notAfterNanos = notAfterNanos;
        this.ignored = List.copyOf(ignored);
        this.diagnostics = diagnostics;
        this.abortReason = abortReason;
    }

    /** A wait of at most {@code bound}, polling every 50 ms. */
    public static Eventually within(Duration bound) {
        return new Eventually(bound, DEFAULT_POLL, Long.MAX_VALUE, List.of(), () -> "", () -> null);
    }

    public Eventually pollingEvery(Duration interval) {
        return new Eventually(bound, interval, notAfterNanos, ignored, diagnostics, abortReason);
    }

    /** Also ends at {@code deadlineNanos} ({@link System#nanoTime()} scale): a whole test's budget. */
    public Eventually notAfter(long deadlineNanos) {
        return new Eventually(bound, pollInterval, deadlineNanos, ignored, diagnostics, abortReason);
    }

    /** Exceptions of these types from the probe mean "not yet" (the last one is reported on timeout). */
    @SafeVarargs
    public final Eventually ignoring(Class<? extends RuntimeException>... types) {
        List<Class<? extends RuntimeException>> all = new ArrayList<>(ignored);
        all.addAll(List.of(types));
        return new Eventually(bound, pollInterval, notAfterNanos, all, diagnostics, abortReason);
    }

    /** Text appended to the failure message, computed only when the wait fails. */
    public Eventually withDiagnostics(Supplier<String> text) {
        return new Eventually(bound, pollInterval, notAfterNanos, ignored, text, abortReason);
    }

    /**
     * Checked before every poll: a non-null reason (a node process that exited on its own) ends the wait at
     * once with that reason instead of waiting out the bound.
     */
    public Eventually abortingWhen(Supplier<String> reason) {
        return new Eventually(bound, pollInterval, notAfterNanos, ignored, diagnostics, reason);
    }

    /**
     * The probe's first value (for a condition: {@code true}); throws {@link TimedOut} when none came within
     * the bound.
     */
    public <T> T until(String what, Supplier<T> probe) {
        Attempt<T> attempt = poll(probe);
        if (attempt.value != null) {
            return attempt.value;
        }
        throw failure(what, attempt);
    }

    /** The value of the first non-empty optional the probe returns; throws {@link TimedOut} when none came. */
    public <T> T untilPresent(String what, Supplier<Optional<T>> probe) {
        return until(what, () -> probe.get().orElse(null));
    }

    /** The probe's first value, or empty when none came within the bound (for callers that report, not fail). */
    public <T> Optional<T> poll(String what, Supplier<T> probe) {
        Attempt<T> attempt = poll(probe);
        if (attempt.abort != null) {
            throw failure(what, attempt);
        }
        return Optional.ofNullable(attempt.value);
    }

    private record Attempt<T>(T value, String abort, RuntimeException lastIgnored) {
    }

    private <T> Attempt<T> poll(Supplier<T> probe) {
        long deadline = Math.min(notAfterNanos, System.nanoTime() + bound.toNanos());
        RuntimeException lastIgnored = null;
        while (true) {
            String abort = abortReason.get();
            if (abort != null) {
                return new Attempt<>(null, abort, lastIgnored);
            }
            try {
                T value = unwrap(probe.get());
                if (value != null) {
                    return new Attempt<>(value, null, null);
                }
            } catch (RuntimeException e) {
                if (ignored.stream().noneMatch(type -> type.isInstance(e))) {
                    throw e;
                }
                lastIgnored = e;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return new Attempt<>(null, null, lastIgnored);
            }
            sleep(Math.min(left, pollInterval.toNanos()));
        }
    }

    private static <T> T unwrap(T value) {
        if (Boolean.FALSE.equals(value)) {
            return null;
        }
        return value;
    }

    private TimedOut failure(String what, Attempt<?> attempt) {
        StringBuilder message = new StringBuilder();
        if (attempt.abort != null) {
            message.append("gave up waiting for ").append(what).append(": ").append(attempt.abort);
        } else {
            message.append("timed out after ").append(bound.toMillis()).append(" ms waiting for ").append(what);
        }
        if (attempt.lastIgnored != null) {
            message.append("; last failure: ").append(attempt.lastIgnored);
        }
        String extra = diagnostics.get();
        if (extra != null && !extra.isEmpty()) {
            message.append('\n').append(extra);
        }
        TimedOut failure = new TimedOut(message.toString());
        if (attempt.lastIgnored != null) {
            failure.initCause(attempt.lastIgnored);
        }
        return failure;
    }

    private static void sleep(long nanos) {
        try {
            Thread.sleep(Duration.ofNanos(nanos));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting", e);
        }
    }

    /** A wait that ended without its condition: an {@link AssertionError}, so a test fails rather than errors. */
    public static final class TimedOut extends AssertionError {
        TimedOut(String message) {
            super(message);
        }
    }
}
