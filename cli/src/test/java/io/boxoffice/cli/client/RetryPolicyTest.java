package io.boxoffice.cli.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Metadata;
import io.grpc.Status;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    private final RetryPolicy policy = new RetryPolicy(8, 50, 1000, 10_000);

    @ParameterizedTest(name = "attempt {0}, retry-after {1} ms, jitter {2} -> {3} ms")
    @CsvSource({
            "2, 0, 0.0, 25",      // base 50, half of it at the lowest jitter
            "2, 0, 0.999, 49",
            "3, 0, 0.0, 50",      // doubled
            "4, 0, 0.0, 100",
            "8, 0, 0.999, 999",   // 50 << 6 = 3200, capped at 1000
            "2, 300, 0.0, 300",   // the node's retry-after wins when longer
            "2, 5000, 0.0, 1000", // but never beyond the cap
    })
    void backoff_grows_exponentially_with_jitter_and_respects_the_hint_and_the_cap(int attempt, long hint, double jitter,
                                                                                 long expected) {
        assertThat(policy.backoffMillis(attempt, hint, jitter)).isEqualTo(expected);
    }

    @Test
    void the_first_attempt_has_no_backoff() {
        assertThatThrownBy(() -> policy.backoffMillis(1, 0, 0.5)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest(name = "{0} retryable: {1}")
    @CsvSource({"UNAVAILABLE, true", "DEADLINE_EXCEEDED, true", "FAILED_PRECONDITION, false", "INVALID_ARGUMENT, false",
            "UNAUTHENTICATED, false", "PERMISSION_DENIED, false", "NOT_FOUND, false", "INTERNAL, false",
            "RESOURCE_EXHAUSTED, false"})
    void only_transient_statuses_are_retried(Status.Code code, boolean retryable) {
        assertThat(RetryPolicy.isRetryable(Status.fromCode(code), new Metadata())).isEqualTo(retryable);
    }

    @Test
    void overload_with_a_retry_after_hint_is_retried_but_a_user_limit_is_not() {
        Metadata hint = new Metadata();
        hint.put(RetryPolicy.RETRY_AFTER_MILLIS, "100");
        assertThat(RetryPolicy.isRetryable(Status.RESOURCE_EXHAUSTED, hint)).isTrue();
        assertThat(RetryPolicy.retryAfterMillis(hint)).isEqualTo(100);
        assertThat(RetryPolicy.isRetryable(Status.RESOURCE_EXHAUSTED, new Metadata())).isFalse();
    }

    @Test
    void a_malformed_retry_after_is_ignored() {
        Metadata trailers = new Metadata();
        trailers.put(RetryPolicy.RETRY_AFTER_MILLIS, "soon");
        assertThat(RetryPolicy.retryAfterMillis(trailers)).isZero();
    }

    @Test
    void invalid_policies_are_refused() {
        assertThatThrownBy(() -> new RetryPolicy(0, 50, 1000, 1000)).hasMessageContaining("attempts");
        assertThatThrownBy(() -> new RetryPolicy(3, 500, 100, 1000)).hasMessageContaining("backoff");
        assertThatThrownBy(() -> new RetryPolicy(3, 50, 100, 0)).hasMessageContaining("timeout");
    }
}
