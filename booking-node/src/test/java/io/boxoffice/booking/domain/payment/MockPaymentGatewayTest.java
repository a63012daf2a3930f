package io.boxoffice.booking.domain.payment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.boxoffice.booking.domain.Moneys;
import io.boxoffice.booking.domain.payment.MockPaymentGateway.ChargeRequest;
import io.boxoffice.proto.booking.v1.PaymentOutcome;
import io.boxoffice.proto.booking.v1.PaymentOutcomeStatus;
import io.boxoffice.proto.v1.Money;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MockPaymentGatewayTest {

    private static final Money AMOUNT = Moneys.of(2400, "EUR");

    private static ChargeRequest charge(String key, String card) {
        return new ChargeRequest(key, card, 12, 2030, "123", AMOUNT);
    }

    @ParameterizedTest
    @CsvSource({
        "4242424242424242, PAYMENT_OUTCOME_STATUS_CAPTURED, ''",
        "4242 4242 4242 4242, PAYMENT_OUTCOME_STATUS_CAPTURED, ''",
        "5555555555554444, PAYMENT_OUTCOME_STATUS_CAPTURED, ''",
        "4000000000000002, PAYMENT_OUTCOME_STATUS_DECLINED, card_declined",
        "4000000000009995, PAYMENT_OUTCOME_STATUS_DECLINED, insufficient_funds",
        "4000000000000069, PAYMENT_OUTCOME_STATUS_DECLINED, expired_card",
        "4000000000000127, PAYMENT_OUTCOME_STATUS_DECLINED, incorrect_cvc",
        "4000000000000119, PAYMENT_OUTCOME_STATUS_TRANSIENT_FAILURE, processing_error",
        "4242424242424241, PAYMENT_OUTCOME_STATUS_DECLINED, incorrect_number",
        "42, PAYMENT_OUTCOME_STATUS_DECLINED, incorrect_number",
    })
    void test_cards_behave_like_a_real_gateway(String card, PaymentOutcomeStatus status, String declineCode) {
        PaymentOutcome outcome = new MockPaymentGateway().charge(charge("hld_1#1", card));

        assertThat(outcome.getStatus()).isEqualTo(status);
        assertThat(outcome.getDeclineCode()).isEqualTo(declineCode);
        assertThat(outcome.getAmount()).isEqualTo(AMOUNT);
        assertThat(outcome.getPaymentId()).isEqualTo(MockPaymentGateway.paymentIdFor("hld_1#1")).startsWith("pay_");
    }

    @Test
    void a_captured_payment_shows_brand_and_last_four_digits_only() {
        PaymentOutcome outcome = new MockPaymentGateway().charge(charge("k", MockPaymentGateway.CARD_SUCCEEDS));
        assertThat(outcome.getCardLast4()).isEqualTo("4242");
        assertThat(outcome.getCardBrand()).isEqualTo("visa");
        assertThat(outcome.toString()).doesNotContain("424242424242");
    }

    @Test
    void the_same_key_returns_the_first_outcome_even_with_another_card() {
        MockPaymentGateway gateway = new MockPaymentGateway();
        PaymentOutcome first = gateway.charge(charge("k", MockPaymentGateway.CARD_SUCCEEDS));
        assertThat(gateway.charge(charge("k", MockPaymentGateway.CARD_DECLINED))).isEqualTo(first);
        assertThat(gateway.charge(charge("k2", MockPaymentGateway.CARD_DECLINED)).getStatus())
                .isEqualTo(PaymentOutcomeStatus.PAYMENT_OUTCOME_STATUS_DECLINED);
    }

    @Test
    void another_node_answers_the_same_payment_id_for_the_same_key() {
        assertThat(new MockPaymentGateway().charge(charge("k", MockPaymentGateway.CARD_SUCCEEDS)))
                .isEqualTo(new MockPaymentGateway().charge(charge("k", MockPaymentGateway.CARD_SUCCEEDS)));
    }

    @Test
    void a_transient_failure_is_not_remembered_so_a_retry_runs_again() {
        MockPaymentGateway gateway = new MockPaymentGateway();
        assertThat(gateway.charge(charge("k", MockPaymentGateway.CARD_TRANSIENT_ERROR)).getStatus())
                .isEqualTo(PaymentOutcomeStatus.PAYMENT_OUTCOME_STATUS_TRANSIENT_FAILURE);
        assertThat(gateway.charge(charge("k", MockPaymentGateway.CARD_SUCCEEDS)).getStatus())
                .isEqualTo(PaymentOutcomeStatus.PAYMENT_OUTCOME_STATUS_CAPTURED);
    }

    @Test
    void remembered_outcomes_are_bounded() {
        MockPaymentGateway gateway = new MockPaymentGateway(2);
        gateway.charge(charge("a", MockPaymentGateway.CARD_DECLINED));
        gateway.charge(charge("b", MockPaymentGateway.CARD_DECLINED));
        gateway.charge(charge("c", MockPaymentGateway.CARD_DECLINED));
        assertThat(gateway.charge(charge("a", MockPaymentGateway.CARD_SUCCEEDS)).getStatus())
                .as("'a' was forgotten, so the new card decides").isEqualTo(PaymentOutcomeStatus.PAYMENT_OUTCOME_STATUS_CAPTURED);
    }

    @Test
    void malformed_card_details_are_declines_and_programming_errors_throw() {
        MockPaymentGateway gateway = new MockPaymentGateway();
        assertThat(gateway.charge(new ChargeRequest("m", MockPaymentGateway.CARD_SUCCEEDS, 13, 2030, "", AMOUNT))
                .getDeclineCode()).isEqualTo("invalid_expiry_month");
        assertThat(gateway.charge(new ChargeRequest("c", MockPaymentGateway.CARD_SUCCEEDS, 1, 2030, "12a", AMOUNT))
                .getDeclineCode()).isEqualTo("invalid_cvc");
        assertThatThrownBy(() -> gateway.charge(new ChargeRequest("", "4242424242424242", 1, 2030, "", AMOUNT)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> gateway.charge(new ChargeRequest("z", "4242424242424242", 1, 2030, "",
                Moneys.of(0, "EUR")))).isInstanceOf(IllegalArgumentException.class);
    }

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
