package io.boxoffice.booking.payment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.boxoffice.booking.domain.Moneys;
import io.boxoffice.booking.payment.MockPaymentGateway.AuthorizeRequest;
import io.boxoffice.proto.replicated.v1.Authorization;
import io.boxoffice.proto.replicated.v1.AuthorizationStatus;
import io.boxoffice.proto.replicated.v1.MoneyRecord;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MockPaymentGatewayTest {

    private static final MoneyRecord AMOUNT = Moneys.of(2400, "EUR");
    /** 2026-12-06: cards expiring in 11/2026 are expired, 12/2026 still valid. */
    private static final Clock TODAY = Clock.fixed(Instant.parse("2026-12-06T12:00:00Z"), ZoneOffset.UTC);

    private static MockPaymentGateway gateway() {
        return new MockPaymentGateway(TODAY, 100);
    }

    private static AuthorizeRequest authorize(String key, String card) {
        return new AuthorizeRequest(key, card, 12, 2030, "123", AMOUNT);
    }

    @ParameterizedTest
    @CsvSource({
        "4242424242424242, AUTHORIZATION_STATUS_AUTHORIZED, ''",
        "4242 4242 4242 4242, AUTHORIZATION_STATUS_AUTHORIZED, ''",
        "5555555555554444, AUTHORIZATION_STATUS_AUTHORIZED, ''",
        "4000000000000002, AUTHORIZATION_STATUS_DECLINED, card_declined",
        "4000000000009995, AUTHORIZATION_STATUS_DECLINED, insufficient_funds",
        "4000000000000069, AUTHORIZATION_STATUS_DECLINED, expired_card",
        "4000000000000127, AUTHORIZATION_STATUS_DECLINED, incorrect_cvc",
        "4242424242424241, AUTHORIZATION_STATUS_DECLINED, incorrect_number",
        "42, AUTHORIZATION_STATUS_DECLINED, incorrect_number",
    })
    void test_cards_behave_like_a_real_gateway(String card, AuthorizationStatus status, String declineCode) {
        Authorization authorization = gateway().authorize(authorize("u/k1", card)).authorization();

        assertThat(authorization.getStatus()).isEqualTo(status);
        assertThat(authorization.getDeclineCode()).isEqualTo(declineCode);
        assertThat(authorization.getAmount()).isEqualTo(AMOUNT);
        assertThat(authorization.getPaymentId()).isEqualTo(MockPaymentGateway.paymentIdFor("u/k1")).startsWith("pay_");
    }

    @Test
    void the_processing_error_card_fails_transiently_and_is_not_remembered() {
        MockPaymentGateway gateway = gateway();
        MockPaymentGateway.Answer first = gateway.authorize(authorize("k", MockPaymentGateway.CARD_TRANSIENT_ERROR));
        assertThat(first.isTransientFailure()).isTrue();
        assertThat(first.transientFailure()).contains("processing_error");
        assertThat(gateway.authorize(authorize("k", MockPaymentGateway.CARD_SUCCEEDS)).authorization().getStatus())
                .isEqualTo(AuthorizationStatus.AUTHORIZATION_STATUS_AUTHORIZED);
    }

    @ParameterizedTest
    @CsvSource({"2026, 11, expired_card", "2025, 12, expired_card", "2026, 12, ''", "2027, 1, ''"})
    void a_card_whose_expiry_month_has_passed_is_declined_not_charged(int year, int month, String declineCode) {
        Authorization authorization = gateway().authorize(new AuthorizeRequest("k", MockPaymentGateway.CARD_SUCCEEDS,
                month, year, "123", AMOUNT)).authorization();
        assertThat(authorization.getDeclineCode()).isEqualTo(declineCode);
    }

    @Test
    void an_authorization_shows_brand_and_last_four_digits_only() {
        Authorization authorization = gateway().authorize(authorize("k", MockPaymentGateway.CARD_SUCCEEDS))
                .authorization();
        assertThat(authorization.getCardLast4()).isEqualTo("4242");
        assertThat(authorization.getCardBrand()).isEqualTo("visa");
        assertThat(authorization.toString()).doesNotContain("424242424242");
    }

    @Test
    void the_same_key_returns_the_first_answer_even_with_another_card() {
        MockPaymentGateway gateway = gateway();
        Authorization first = gateway.authorize(authorize("k", MockPaymentGateway.CARD_SUCCEEDS)).authorization();
        assertThat(gateway.authorize(authorize("k", MockPaymentGateway.CARD_DECLINED)).authorization()).isEqualTo(first);
        assertThat(gateway.authorize(authorize("k2", MockPaymentGateway.CARD_DECLINED)).authorization().getStatus())
                .isEqualTo(AuthorizationStatus.AUTHORIZATION_STATUS_DECLINED);
    }

    @Test
    void another_node_answers_the_same_payment_id_for_the_same_key() {
        assertThat(gateway().authorize(authorize("k", MockPaymentGateway.CARD_SUCCEEDS)).authorization())
                .isEqualTo(gateway().authorize(authorize("k", MockPaymentGateway.CARD_SUCCEEDS)).authorization());
    }

    @Test
    void an_authorization_is_captured_or_voided_once_and_a_capture_never_exceeds_it() {
        MockPaymentGateway gateway = gateway();
        String captured = gateway.authorize(authorize("c", MockPaymentGateway.CARD_SUCCEEDS)).authorization()
                .getPaymentId();
        String voided = gateway.authorize(authorize("v", MockPaymentGateway.CARD_SUCCEEDS)).authorization()
                .getPaymentId();

        gateway.capture(captured, Moneys.of(1200, "EUR"));
        gateway.voidAuthorization(captured);
        gateway.voidAuthorization(voided);
        gateway.capture(voided, AMOUNT);

        assertThat(gateway.settlementOf(captured)).isEqualTo(MockPaymentGateway.Settlement.CAPTURED);
        assertThat(gateway.settlementOf(voided)).isEqualTo(MockPaymentGateway.Settlement.VOIDED);
        String third = gateway.authorize(authorize("t", MockPaymentGateway.CARD_SUCCEEDS)).authorization().getPaymentId();
        assertThatThrownBy(() -> gateway.capture(third, Moneys.of(2401, "EUR")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void remembered_answers_are_bounded() {
        MockPaymentGateway gateway = new MockPaymentGateway(TODAY, 2);
        gateway.authorize(authorize("a", MockPaymentGateway.CARD_DECLINED));
        gateway.authorize(authorize("b", MockPaymentGateway.CARD_DECLINED));
        gateway.authorize(authorize("c", MockPaymentGateway.CARD_DECLINED));
        assertThat(gateway.authorize(authorize("a", MockPaymentGateway.CARD_SUCCEEDS)).authorization().getStatus())
                .as("'a' was forgotten, so the new card decides")
                .isEqualTo(AuthorizationStatus.AUTHORIZATION_STATUS_AUTHORIZED);
    }

    @Test
    void malformed_card_details_are_declines_and_programming_errors_throw() {
        MockPaymentGateway gateway = gateway();
        assertThat(gateway.authorize(new AuthorizeRequest("m", MockPaymentGateway.CARD_SUCCEEDS, 13, 2030, "123",
                AMOUNT)).authorization().getDeclineCode()).isEqualTo("invalid_expiry_month");
        assertThat(gateway.authorize(new AuthorizeRequest("c", MockPaymentGateway.CARD_SUCCEEDS, 1, 2030, "12a",
                AMOUNT)).authorization().getDeclineCode()).isEqualTo("invalid_cvc");
        assertThatThrownBy(() -> gateway.authorize(new AuthorizeRequest("", "4242424242424242", 1, 2030, "123",
                AMOUNT))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> gateway.authorize(new AuthorizeRequest("z", "4242424242424242", 1, 2030, "123",
                Moneys.of(0, "EUR")))).isInstanceOf(IllegalArgumentException.class);
    }
}
