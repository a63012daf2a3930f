package io.boxoffice.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AbandonedHoldsTest {

    static final long SECOND = 1_000_000_000L;

    @Test
    void a_user_abandons_no_more_holds_than_its_slots_until_the_holds_expire_plus_the_slack() {
        AbandonedHolds ledger = new AbandonedHolds(2, 3 * SECOND);
        int first = ledger.reserve(0);
        int second = ledger.reserve(0);
        assertThat(first).isNotEqualTo(second).isNotNegative();
        assertThat(second).isNotNegative();
        assertThat(ledger.reserve(0)).as("both slots are reserved while their hold calls run").isEqualTo(-1);

        ledger.held(first, SECOND, 10_000);      // answered at 1 s, a 10 s hold: free at 1 + 10 + 3 = 14 s
        ledger.held(second, 2 * SECOND, 10_000); // free at 15 s
        assertThat(ledger.inUse(13 * SECOND)).isEqualTo(2);
        assertThat(ledger.reserve(14 * SECOND - 1)).isEqualTo(-1);
        assertThat(ledger.reserve(14 * SECOND)).isEqualTo(first);
        assertThat(ledger.reserve(14 * SECOND)).as("the other hold may still be active").isEqualTo(-1);
        assertThat(ledger.reserve(15 * SECOND)).isEqualTo(second);
    }

    @Test
    void a_hold_that_was_not_made_frees_its_slot_at_once() {
        AbandonedHolds ledger = new AbandonedHolds(1, 3 * SECOND);
        int slot = ledger.reserve(0);
        ledger.notHeld(slot);
        assertThat(ledger.inUse(0)).isZero();
        assertThat(ledger.reserve(0)).isEqualTo(slot);
    }

    @Test
    void the_ledger_works_across_the_sign_change_of_nano_time() {
        AbandonedHolds ledger = new AbandonedHolds(1, SECOND);
        long justBeforeOverflow = Long.MAX_VALUE - SECOND / 2;
        int slot = ledger.reserve(justBeforeOverflow);
        ledger.held(slot, justBeforeOverflow, 0);   // frees one second later, past Long.MAX_VALUE
        assertThat(ledger.reserve(justBeforeOverflow + SECOND / 4)).isEqualTo(-1);
        assertThat(ledger.reserve(justBeforeOverflow + SECOND)).isEqualTo(slot);
    }

    @Test
    void misuse_is_a_bug_and_throws() {
        AbandonedHolds ledger = new AbandonedHolds(1, SECOND);
        assertThatThrownBy(() -> ledger.held(0, 0, 1000)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new AbandonedHolds(0, SECOND)).hasMessageContaining("at least one slot");
    }
}
