package io.boxoffice.booking.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void when_failures_repeat_then_the_delay_doubles_up_to_the_maximum_within_equal_jitter() {
        Backoff highest = new Backoff(200, 5000, bound -> bound);
        Backoff lowest = new Backoff(200, 5000, bound -> 0);
        List<Long> high = new ArrayList<>();
        List<Long> low = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            high.add(highest.nextDelayMillis());
            low.add(lowest.nextDelayMillis());
        }

        assertThat(high).containsExactly(200L, 400L, 800L, 1600L, 3200L, 5000L, 5000L);
        assertThat(low).containsExactly(100L, 200L, 400L, 800L, 1600L, 2500L, 2500L);
    }

    @Test
    void when_reset_then_it_starts_again_from_the_minimum() {
        Backoff backoff = new Backoff(200, 5000, bound -> bound);
        backoff.nextDelayMillis();
        backoff.nextDelayMillis();

        backoff.reset();

        assertThat(backoff.nextDelayMillis()).isEqualTo(200);
    }

    @Test
    void when_bounds_are_inverted_or_the_jitter_leaves_its_range_then_it_fails_loudly() {
        assertThatThrownBy(() -> new Backoff(0, 10, bound -> 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(100, 10, bound -> 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(100, 1000, bound -> bound + 1).nextDelayMillis())
                .isInstanceOf(IllegalStateException.class);
    }
}
