package io.boxoffice.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class EventuallyTest {

    private static final Eventually SHORT = Eventually.within(Duration.ofMillis(300)).pollingEvery(Duration.ofMillis(5));

    @Test
    void returns_the_first_value_once_the_probe_has_one() {
        AtomicInteger polls = new AtomicInteger();
        String value = SHORT.until("the third poll", () -> polls.incrementAndGet() < 3 ? null : "ready");
        assertThat(value).isEqualTo("ready");
        assertThat(polls).hasValue(3);
    }

    @Test
    void empty_optionals_and_false_mean_not_yet() {
        AtomicInteger polls = new AtomicInteger();
        assertThat(SHORT.untilPresent("an optional", () -> polls.incrementAndGet() < 2 ? Optional.empty() : Optional.of(7)))
                .isEqualTo(7);
        AtomicInteger checks = new AtomicInteger();
        SHORT.until("a condition", () -> checks.incrementAndGet() >= 4);
        assertThat(checks).hasValue(4);
    }

    @Test
    void ignored_exceptions_mean_not_yet_and_the_last_is_reported_on_timeout() {
        AtomicInteger polls = new AtomicInteger();
        assertThat(SHORT.ignoring(IllegalStateException.class).until("a recovery", () -> {
            if (polls.incrementAndGet() < 3) {
                throw new IllegalStateException("electing");
            }
            return "leader";
        })).isEqualTo("leader");
        assertThatThrownBy(() -> SHORT.ignoring(IllegalStateException.class).withDiagnostics(() -> "node logs here")
                .until("a leader", () -> {
                    throw new IllegalStateException("still electing");
                }))
                .isInstanceOf(Eventually.TimedOut.class).isInstanceOf(AssertionError.class)
                .hasMessageContaining("timed out after 300 ms waiting for a leader")
                .hasMessageContaining("still electing").hasMessageContaining("node logs here");
    }

    @Test
    void other_exceptions_end_the_wait_at_once() {
        AtomicInteger polls = new AtomicInteger();
        assertThatThrownBy(() -> SHORT.ignoring(IllegalStateException.class).until("x", () -> {
            polls.incrementAndGet();
            throw new IllegalArgumentException("a bug");
        })).isInstanceOf(IllegalArgumentException.class);
        assertThat(polls).hasValue(1);
    }

    @Test
    void an_abort_reason_ends_the_wait_before_the_bound() {
        long start = System.nanoTime();
        assertThatThrownBy(() -> Eventually.within(Duration.ofSeconds(30)).abortingWhen(() -> "node2 exited with 137")
                .until("a leader", () -> false))
                .isInstanceOf(Eventually.TimedOut.class).hasMessageContaining("gave up waiting for a leader")
                .hasMessageContaining("node2 exited with 137");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void poll_reports_a_timeout_as_empty_and_not_after_caps_the_bound() {
        assertThat(SHORT.poll("never", () -> null)).isEmpty();
        long start = System.nanoTime();
        assertThat(Eventually.within(Duration.ofSeconds(30)).notAfter(System.nanoTime() + 50_000_000L)
                .poll("never", () -> null)).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }
}
