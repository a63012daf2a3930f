package io.boxoffice.booking.domain.refunds;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RefundPolicyTest {

    @ParameterizedTest
    @CsvSource({
        // refundable, startsAt, now, window -> refund
        "2400, 10000, 2800, 7200, 2400",
        "2400, 10000, 2801, 7200, 0",
        "2400, 10000, 0, 7200, 2400",
        "2400, 10000, 10000, 7200, 0",
        "900, 10000, 10000, 0, 900",
    })
    void the_refund_policy_is_full_up_to_the_window_and_none_after(long refundable, long startsAt, long now,
            long window, long expected) {
        assertThat(RefundPolicy.customerRefundMinor(refundable, startsAt, now, window)).isEqualTo(expected);
    }
}
