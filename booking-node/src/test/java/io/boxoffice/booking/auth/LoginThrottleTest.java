package io.boxoffice.booking.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final LoginThrottle throttle = new LoginThrottle(3, 3, 1000, 60_000, 100, now::get);

    @Test
    void when_failures_stay_within_the_free_allowance_then_no_wait_is_imposed() {
        for (int i = 0; i < 3; i++) {
            throttle.recordFailure("user1", "10.0.0.1");
        }
        assertThat(throttle.retryAfterMillis("user1", "10.0.0.1")).isZero();
    }

    @Test
    void when_failures_exceed_the_allowance_then_the_wait_doubles_per_failure() {
        for (int i = 0; i < 4; i++) {
            throttle.recordFailure("user1", "10.0.0.1");
        }
        assertThat(throttle.retryAfterMillis("user1", "10.0.0.9")).isEqualTo(1000);
        now.addAndGet(1000);
        throttle.recordFailure("user1", "10.0.0.1");
        assertThat(throttle.retryAfterMillis("user1", "10.0.0.9")).isEqualTo(2000);
        now.addAndGet(500);
        assertThat(throttle.retryAfterMillis("user1", "10.0.0.9")).isEqualTo(1500);
    }

    @Test
    void when_one_source_guesses_many_user_names_then_the_source_is_throttled() {
        for (int i = 0; i < 4; i++) {
            throttle.recordFailure("victim" + i, "10.0.0.66");
        }
        assertThat(throttle.retryAfterMillis("someone-else", "10.0.0.66")).isEqualTo(1000);
        assertThat(throttle.retryAfterMillis("someone-else", "10.0.0.67")).isZero();
    }

    @Test
    void when_the_source_allows_more_failures_than_a_user_then_each_key_uses_its_own_allowance() {
        LoginThrottle natFriendly = new LoginThrottle(1, 5, 1000, 60_000, 100, now::get);
        for (int i = 0; i < 5; i++) {
            natFriendly.recordFailure("user" + i, "10.0.0.1");
        }
        assertThat(natFriendly.retryAfterMillis("fresh", "10.0.0.1")).isZero();
        natFriendly.recordFailure("user0", "10.0.0.2");
        assertThat(natFriendly.retryAfterMillis("user0", "10.0.0.3")).isEqualTo(1000);
        natFriendly.recordFailure("user9", "10.0.0.1");
        assertThat(natFriendly.retryAfterMillis("fresh", "10.0.0.1")).isEqualTo(1000);
    }

    @Test
    void when_the_user_logs_in_then_the_user_name_starts_afresh() {
        for (int i = 0; i < 5; i++) {
            throttle.recordFailure("user1", "10.0.0.1");
        }
        throttle.recordSuccess("user1");
        assertThat(throttle.retryAfterMillis("user1", "10.0.0.2")).isZero();
    }

    @Test
    void when_a_key_has_been_quiet_longer_than_the_maximum_backoff_then_it_is_forgotten() {
        for (int i = 0; i < 5; i++) {
            throttle.recordFailure("user1", "10.0.0.1");
        }
        now.addAndGet(60_001);
        throttle.recordFailure("user1", "10.0.0.1");
        assertThat(throttle.retryAfterMillis("user1", "10.0.0.1")).isZero();
    }

    @Test
    void when_more_keys_than_the_bound_are_seen_then_the_oldest_are_forgotten() {
        LoginThrottle small = new LoginThrottle(0, 0, 1000, 60_000, 4, now::get);
        small.recordFailure("first", "s0");
        for (int i = 1; i <= 4; i++) {
            small.recordFailure("u" + i, "s" + i);
        }
        assertThat(small.retryAfterMillis("first", "elsewhere")).isZero();
        assertThat(small.retryAfterMillis("u4", "elsewhere")).isEqualTo(1000);
    }

    @Test
    void backoff_doubles_and_is_capped() {
        // (failures beyond the allowance, expected wait): a table, not @ParameterizedTest, because parameterized
        // tests break Quarkus's class loading when they share a JVM with @QuarkusTest classes.
        long[][] table = {{1, 1000}, {2, 2000}, {3, 4000}, {6, 32000}, {7, 60000}, {1000, 60000}};
        for (long[] row : table) {
            assertThat(throttle.backoffMillis((int) row[0])).as("beyond=" + row[0]).isEqualTo(row[1]);
        }
    }
}
