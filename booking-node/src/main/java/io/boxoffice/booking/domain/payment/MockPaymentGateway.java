package io.boxoffice.booking.domain.payment;

import io.boxoffice.booking.domain.Moneys;
import io.boxoffice.proto.booking.v1.PaymentOutcome;
import io.boxoffice.proto.booking.v1.PaymentOutcomeStatus;
import io.boxoffice.proto.v1.Money;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A payment gateway that behaves like a real one in test mode, deterministically by card number:
 * <ul>
 *   <li>{@code 4242424242424242} (and any other Luhn-valid number not listed here) is captured;</li>
 *   <li>{@code 4000000000000002} is declined ({@code card_declined});</li>
 *   <li>{@code 4000000000009995} is declined ({@code insufficient_funds});</li>
 *   <li>{@code 4000000000000069} is declined ({@code expired_card});</li>
 *   <li>{@code 4000000000000127} is declined ({@code incorrect_cvc});</li>
 *   <li>{@code 4000000000000119} fails transiently ({@code processing_error}): nothing is charged, retry;</li>
 *   <li>a malformed number (not 12..19 digits, or failing the Luhn check) is declined ({@code incorrect_number}).</li>
 * </ul>
 *
 * <p>Idempotent by key: the payment id is derived from the key alone, so every node answers the same
 * id for the same key (a new leader after a failover too); within one process the first definitive
 * outcome for a key is remembered and returned for every retry with that key, whatever card it carries.
 * Transient failures are not remembered, so a retry runs again. The booking node uses
 * {@code BookingStateMachine.paymentKeyFor(holdId)}: the hold id plus the attempt number.
 *
 * <p>Thread-safe; the remembered outcomes are bounded by {@code rememberedOutcomesMax} (oldest dropped).
 */
public final class MockPaymentGateway {

    /** A charge of {@code amount} to a card, deduplicated by {@code idempotencyKey}. */
    public record ChargeRequest(String idempotencyKey, String cardNumber, int expiryMonth, int expiryYear, String cvc,
            Money amount) {
        public ChargeRequest {
            Objects.requireNonNull(idempotencyKey, "idempotencyKey");
            Objects.requireNonNull(cardNumber, "cardNumber");
            Objects.requireNonNull(cvc, "cvc");
            Objects.requireNonNull(amount, "amount");
        }
    }

    public static final String CARD_SUCCEEDS = "4242424242424242";
    public static final String CARD_DECLINED = "4000000000000002";
    public static final String CARD_INSUFFICIENT_FUNDS = "4000000000009995";
    public static final String CARD_EXPIRED = "4000000000000069";
    public static final String CARD_INCORRECT_CVC = "4000000000000127";
    public static final String CARD_TRANSIENT_ERROR = "4000000000000119";

    private static final int KEY_LENGTH_MAX = 255;

    private final Map<String, PaymentOutcome> outcomesByKey;

    public MockPaymentGateway(int rememberedOutcomesMax) {
        if (rememberedOutcomesMax < 1) {
            throw new IllegalArgumentException("rememberedOutcomesMax must be positive, was " + rememberedOutcomesMax);
        }
        this.outcomesByKey = new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, PaymentOutcome> eldest) {
                return size() > rememberedOutcomesMax;
            }
        };
    }

    public MockPaymentGateway() {
        this(100_000);
    }

    /**
     * Charges the card. Never throws for card problems (they are declines); throws
     * {@link IllegalArgumentException} for a programming error: empty or oversized key, non-positive
     * amount, malformed currency.
     */
    public PaymentOutcome charge(ChargeRequest request) {
        if (request.idempotencyKey().isEmpty() || request.idempotencyKey().length() > KEY_LENGTH_MAX) {
            throw new IllegalArgumentException("idempotency key must be 1.." + KEY_LENGTH_MAX + " characters");
        }
        if (request.amount().getAmountMinor() <= 0 || !Moneys.isValidCurrency(request.amount().getCurrency())) {
            throw new IllegalArgumentException("cannot charge " + request.amount());
        }
        synchronized (outcomesByKey) {
            PaymentOutcome remembered = outcomesByKey.get(request.idempotencyKey());
            if (remembered != null) {
                return remembered;
            }
        }
        PaymentOutcome outcome = decide(request);
        if (outcome.getStatus() == PaymentOutcomeStatus.PAYMENT_OUTCOME_STATUS_TRANSIENT_FAILURE) {
            return outcome;
        }
        synchronized (outcomesByKey) {
            return outcomesByKey.computeIfAbsent(request.idempotencyKey(), key -> outcome);
        }
    }

    private static PaymentOutcome decide(ChargeRequest request) {
        String number = request.cardNumber().replace(" ", "").replace("-", "");
        PaymentOutcome.Builder outcome = PaymentOutcome.newBuilder()
                .setPaymentId(paymentIdFor(request.idempotencyKey()))
                .setAmount(request.amount());
        if (!isWellFormed(number)) {
            return declined(outcome, "incorrect_number", "The card number is incorrect.");
        }
        outcome.setCardLast4(number.substring(number.length() - 4)).setCardBrand(brandOf(number));
        if (request.expiryMonth() != 0 && (request.expiryMonth() < 1 || request.expiryMonth() > 12)) {
            return declined(outcome, "invalid_expiry_month", "The card's expiration month is invalid.");
        }
        if (request.expiryYear() != 0 && (request.expiryYear() < 2000 || request.expiryYear() > 2199)) {
            return declined(outcome, "invalid_expiry_year", "The card's expiration year is invalid.");
        }
        if (!request.cvc().isEmpty() && !request.cvc().matches("[0-9]{3,4}")) {
            return declined(outcome, "invalid_cvc", "The card's security code is invalid.");
        }
        return switch (number) {
            case CARD_DECLINED -> declined(outcome, "card_declined", "Your card was declined.");
            case CARD_INSUFFICIENT_FUNDS -> declined(outcome, "insufficient_funds", "Your card has insufficient funds.");
            case CARD_EXPIRED -> declined(outcome, "expired_card", "Your card has expired.");
            case CARD_INCORRECT_CVC -> declined(outcome, "incorrect_cvc", "Your card's security code is incorrect.");
            case CARD_TRANSIENT_ERROR -> outcome.setStatus(PaymentOutcomeStatus.PAYMENT_OUTCOME_STATUS_TRANSIENT_FAILURE)
                    .setDeclineCode("processing_error")
                    .setMessage("An error occurred while processing the card; nothing was charged, try again.")
                    .build();
            default -> outcome.setStatus(PaymentOutcomeStatus.PAYMENT_OUTCOME_STATUS_CAPTURED).build();
        };
    }

    private static PaymentOutcome declined(PaymentOutcome.Builder outcome, String code, String message) {
        return outcome.setStatus(PaymentOutcomeStatus.PAYMENT_OUTCOME_STATUS_DECLINED).setDeclineCode(code)
                .setMessage(message).build();
    }

    /** "pay_" and 24 hex digits of SHA-256 of the key: the same on every node. */
    public static String paymentIdFor(String idempotencyKey) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(idempotencyKey.getBytes(StandardCharsets.UTF_8));
            return "pay_" + HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    static boolean isWellFormed(String number) {
        if (number.length() < 12 || number.length() > 19 || !number.chars().allMatch(Character::isDigit)) {
            return false;
        }
        int sum = 0;
        boolean doubled = false;
        for (int index = number.length() - 1; index >= 0; index--) {
            int digit = number.charAt(index) - '0';
            if (doubled) {
                digit *= 2;
                if (digit > 9) {
                    digit -= 9;
                }
            }
            sum += digit;
            doubled = !doubled;
        }
        return sum % 10 == 0;
    }

    static String brandOf(String number) {
        if (number.startsWith("4")) {
            return "visa";
        }
        if (number.startsWith("34") || number.startsWith("37")) {
            return "amex";
        }
        if (number.length() >= 2 && number.charAt(0) == '5' && number.charAt(1) >= '1' && number.charAt(1) <= '5') {
            return "mastercard";
        }
        return "unknown";
    }
}
