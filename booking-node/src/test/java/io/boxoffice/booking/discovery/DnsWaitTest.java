package io.boxoffice.booking.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DnsWaitTest {

    private final AtomicLong nowMillis = new AtomicLong();
    private final List<Long> sleeps = new ArrayList<>();

    private DnsWait waitFor(int failuresBeforeResolving, AtomicInteger lookups) {
        return new DnsWait(host -> {
            if (lookups.incrementAndGet() <= failuresBeforeResolving) {
                throw new UnknownHostException(host + ": Name or service not known");
            }
        }, millis -> {
            sleeps.add(millis);
            nowMillis.addAndGet(millis);
        }, nowMillis::get, new Backoff(100, 1000, bound -> bound));
    }

    @Test
    void when_the_name_resolves_at_once_then_it_does_not_wait() throws Exception {
        AtomicInteger lookups = new AtomicInteger();

        int failures = waitFor(0, lookups).await("boxoffice-0.boxoffice-headless", "peer host", 60_000);

        assertThat(failures).isZero();
        assertThat(lookups).hasValue(1);
        assertThat(sleeps).isEmpty();
    }

    @Test
    void when_the_record_appears_later_then_it_retries_with_backoff_until_it_resolves() throws Exception {
        AtomicInteger lookups = new AtomicInteger();

        int failures = waitFor(5, lookups).await("boxoffice-0.boxoffice-headless", "peer host", 60_000);

        assertThat(failures).isEqualTo(5);
        assertThat(lookups).hasValue(6);
        assertThat(sleeps).containsExactly(100L, 200L, 400L, 800L, 1000L);
    }

    @Test
    void when_the_name_never_resolves_then_it_gives_up_at_the_bound_and_says_what_to_check() {
        AtomicInteger lookups = new AtomicInteger();

        assertThatThrownBy(() -> waitFor(Integer.MAX_VALUE, lookups).await("boxoffice-0.wrong", "peer host", 2_500))
                .isInstanceOf(DnsWait.DnsNotReadyException.class)
                .hasMessageContaining("peer host boxoffice-0.wrong still does not resolve after 2500 ms")
                .hasMessageContaining("publishNotReadyAddresses")
                .hasMessageContaining("boxoffice.discovery.dns-wait-millis")
                .hasCauseInstanceOf(UnknownHostException.class);
        // 100 + 200 + 400 + 800, then the last wait is cut to what is left of the bound.
        assertThat(sleeps).containsExactly(100L, 200L, 400L, 800L, 1000L);
        assertThat(nowMillis).hasValue(2_500);
    }

    @Test
    void when_the_bound_is_zero_then_a_missing_name_fails_at_once() {
        AtomicInteger lookups = new AtomicInteger();

        assertThatThrownBy(() -> waitFor(1, lookups).await("nowhere", "peer host", 0))
                .isInstanceOf(DnsWait.DnsNotReadyException.class);
        assertThat(sleeps).isEmpty();
    }

    @Test
    void the_real_resolver_resolves_loopback() throws Exception {
        assertThat(DnsWait.system(10, 100).await("localhost", "peer host", 1_000)).isZero();
    }
}
