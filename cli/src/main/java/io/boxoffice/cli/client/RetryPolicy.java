package io.boxoffice.cli.client;

import io.grpc.Metadata;
import io.grpc.Status;

/**
 * When and how long the client retries a call. Pure: the caller supplies the jitter, so tests pin it.
 *
 * <p>Only failures after which a retry can neither double-apply nor mislead are retried: UNAVAILABLE (no
 * leader, node down, leader changed mid-request, payment gateway hiccup), DEADLINE_EXCEEDED (the request
 * may or may not have been applied), and RESOURCE_EXHAUSTED when the node says when to come back (overload,
 * not a per-user limit). Every write carries an idempotency key that is reused on every attempt, so a
 * request that was applied before the failure returns its first result instead of applying twice.
 *
 * @param attemptsMax         attempts in total, the first included; at least 1
 * @param backoffBaseMillis   delay before the second attempt; doubles with each further attempt
 * @param backoffMaxMillis    longest delay between two attempts
 * @param attemptTimeoutMillis deadline of one attempt
 */
public record RetryPolicy(int attemptsMax, long backoffBaseMillis, long backoffMaxMillis, long attemptTimeoutMillis) {

    /** Trailer a node sets with the member id of the leader it knows. */
    public static final Metadata.Key<String> LEADER_HINT = Metadata.Key.of("x-boxoffice-leader",
            Metadata.ASCII_STRING_MARSHALLER);
    /** Trailer a node sets with how long to wait before retrying, in milliseconds. */
    public static final Metadata.Key<String> RETRY_AFTER_MILLIS = Metadata.Key.of("x-boxoffice-retry-after-millis",
            Metadata.ASCII_STRING_MARSHALLER);
    /** Trailer with the comma-separated seat ids that made a hold or booking fail. */
    public static final Metadata.Key<String> TAKEN_SEATS = Metadata.Key.of("x-boxoffice-taken-seats",
            Metadata.ASCII_STRING_MARSHALLER);

    /** Defaults that ride out a leader election (about a second) with room to spare. */
    public static final RetryPolicy DEFAULT = new RetryPolicy(8, 50, 1000, 10_000);

    public RetryPolicy {
        if (attemptsMax < 1 || attemptsMax > 100) {
            throw new IllegalArgumentException("attempts must be between 1 and 100, got " + attemptsMax);
        }
        if (backoffBaseMillis < 0 || backoffMaxMillis < backoffBaseMillis) {
            throw new IllegalArgumentException("backoff must satisfy 0 <= base <= max");
        }
        if (attemptTimeoutMillis < 1) {
            throw new IllegalArgumentException("the attempt timeout must be positive");
        }
    }

    public RetryPolicy withAttemptTimeoutMillis(long millis) {
        return new RetryPolicy(attemptsMax, backoffBaseMillis, backoffMaxMillis, millis);
    }

    public RetryPolicy withAttemptsMax(int attempts) {
        return new RetryPolicy(attempts, backoffBaseMillis, backoffMaxMillis, attemptTimeoutMillis);
    }

    /** Whether a call that failed with {@code status} and {@code trailers} may be sent again. */
    public static boolean isRetryable(Status status, Metadata trailers) {
        return switch (status.getCode()) {
            case UNAVAILABLE, DEADLINE_EXCEEDED -> true;
            case RESOURCE_EXHAUSTED -> trailers != null && trailers.containsKey(RETRY_AFTER_MILLIS);
            default -> false;
        };
    }

    /**
     * Delay before attempt {@code nextAttempt} (2 for the first retry): exponential from the base, capped,
     * scaled by a jitter in [0.5, 1.0) so that many clients do not retry in lockstep, and never shorter
     * than the node's retry-after hint.
     *
     * @param jitterUnit a number in [0, 1)
     */
    public long backoffMillis(int nextAttempt, long retryAfterHintMillis, double jitterUnit) {
        if (nextAttempt < 2) {
            throw new IllegalArgumentException("the first attempt has no backoff");
        }
        int doublings = Math.min(nextAttempt - 2, 30);
        long exponential = Math.min(backoffMaxMillis, backoffBaseMillis << doublings);
        long jittered = (long) (exponential * (0.5 + 0.5 * jitterUnit));
        return Math.min(backoffMaxMillis, Math.max(jittered, Math.max(0, retryAfterHintMillis)));
    }

    /** The retry-after hint in {@code trailers}, or 0. */
    public static long retryAfterMillis(Metadata trailers) {
        if (trailers == null) {
            return 0;
        }
        String value = trailers.get(RETRY_AFTER_MILLIS);
        if (value == null) {
            return 0;
        }
        try {
            return Math.max(0, Long.parseLong(value.trim()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
