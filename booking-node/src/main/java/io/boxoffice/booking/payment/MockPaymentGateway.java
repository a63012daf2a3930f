package io.boxoffice.booking.payment;

import io.boxoffice.booking.domain.Moneys;
import io.boxoffice.proto.replicated.v1.Authorization;
import io.boxoffice.proto.replicated.v1.AuthorizationStatus;
import io.boxoffice.proto.replicated.v1.MoneyRecord;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A payment gateway that behaves like a real one in test mode: authorize an amount on a card, then capture
 * (part of) it or void it. Deterministic by card number:
 * <ul>
 *   <li>{@code 4242424242424242} (and any other Luhn-valid number not listed here) is authorized;</li>
 *   <li>{@code 4000000000000002} is declined ({@code card_declined});</li>
 *   <li>{@code 4000000000009995} is declined ({@code insufficient_funds});</li>
 *   <li>{@code 4000000000000069} is declined ({@code expired_card}), and so is any card whose expiry month
 *       has passed;</li>
 *   <li>{@code 4000000000000127} is declined ({@code incorrect_cvc});</li>
 *   <li>{@code 4000000000000119} fails transiently ({@code processing_error}): nothing is authorized, retry;</li>
 *   <li>a malformed number (not 12..19 digits, or failing the Luhn check) is declined ({@code incorrect_number}).</li>
 * </ul>
 *
 * <p>Idempotent by key, like Stripe: the payment id is derived from the key alone (every node answers the
 * same id for the same key, a new leader after a failover too), and within one process the first
 * definitive answer for a key is returned for every retry with that key, whatever card it carries.
 * Transient failures are not remembered. Captures and voids are recorded against the authorization.
 *
 * <p>Thread-safe; remembered authorizations are bounded by {@code rememberedMax} (oldest dropped).
 */
public final class MockPaymentGateway {
    private static final java.util.regex.Pattern CVC = java.util.regex.Pattern.compile("[0-9]{3,4}");


    public static final String CARD_SUCCEEDS = "4242424242424242";
    public static final String CARD_DECLINED = "4000000000000002";
    public static final String CARD_INSUFFICIENT_FUNDS = "4000000000009995";
    public static final String CARD_EXPIRED = "4000000000000069";
    public static final String CARD_INCORRECT_CVC = "4000000000000127";
    public static final String CARD_TRANSIENT_ERROR = "4000000000000119";

    private static final int KEY_LENGTH_MAX = 255;

    /** An authorization request: {@code amount} on a card, deduplicated by {@code idempotencyKey}. */
    public record AuthorizeRequest(String idempotencyKey, String cardNumber, int expiryMonth, int expiryYear, String cvc,
                                   MoneyRecord amount) {
        public AuthorizeRequest {
            Objects.requireNonNull(idempotencyKey, "idempotencyKey");
            Objects.requireNonNull(cardNumber, "cardNumber");
            Objects.requireNonNull(cvc, "cvc");
            Objects.requireNonNull(amount, "amount");
        }
    }

    /**
     * The gateway's answer: an authorization (authorized or declined), or a transient failure with nothing
     * authorized ({@code authorization} is then {@code null}).
     */
    public record Answer(Authorization authorization, String transientFailure) {
        public boolean isTransientFailure() {
            return authorization == null;
        }
    }

    /** What the gateway did with an authorization, for tests and metrics. */
    public enum Settlement { AUTHORIZED, CAPTURED, VOIDED, DECLINED }

    private record Remembered(Authorization authorization, Settlement settlement, long capturedMinor) {
    }

    private final Clock clock;
    private final Map<String, Remembered> byKey;
    private final Map<String, String> keyByPaymentId = new LinkedHashMap<>();

    public MockPaymentGateway(Clock clock, int rememberedMax) {
        if (rememberedMax < 1) {
            throw new IllegalArgumentException("rememberedMax must be positive, was " + rememberedMax);
        }
        this.clock = clock;
        this.byKey = new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Remembered> eldest) {
                if (size() > rememberedMax) {
                    keyByPaymentId.remove(eldest.getValue().authorization().getPaymentId());
                    return true;
                }
                return false;
            }
        };
    }

    /**
     * Authorizations a process remembers by default. The mock lives in the leader's heap (a real gateway would
     * not): at ~350 bytes each, 100,000 held ~35 MB of a node's 224 MiB heap, and in the 1,000,000-booking soak
     * the leader's G1 fell back to full collections of up to 700 ms. 20,000 is half a minute of bookings at
     * full load on this machine; capture and void follow authorization within a command's round, and a keyed
     * retry of a committed booking is answered from the state's idempotency record without calling the gateway.
     */
    public static final int REMEMBERED_MAX_DEFAULT = 20_000;

    public MockPaymentGateway() {
        this(Clock.systemUTC(), REMEMBERED_MAX_DEFAULT);
    }

    /**
     * Asks to hold {@code amount} on the card. Never throws for card problems (they are declines); throws
     * {@link IllegalArgumentException} for a programming error: empty or oversized key, non-positive amount,
     * malformed currency.
     */
    public Answer authorize(AuthorizeRequest request) {
        if (request.idempotencyKey().isEmpty() || request.idempotencyKey().length() > KEY_LENGTH_MAX) {
            throw new IllegalArgumentException("idempotency key must be 1.." + KEY_LENGTH_MAX + " characters");
        }
        if (request.amount().getAmountMinor() <= 0 || !Moneys.isValidCurrency(request.amount().getCurrency())) {
            throw new IllegalArgumentException("cannot authorize " + request.amount());
        }
        synchronized (byKey) {
            Remembered remembered = byKey.get(request.idempotencyKey());
            if (remembered != null) {
                return new Answer(remembered.authorization(), null);
            }
        }
        Answer answer = decide(request);
        if (answer.isTransientFailure()) {
            return answer;
        }
        synchronized (byKey) {
            Remembered remembered = byKey.computeIfAbsent(request.idempotencyKey(), key -> {
                keyByPaymentId.put(answer.authorization().getPaymentId(), key);
                return new Remembered(answer.authorization(), answer.authorization().getStatus()
                        == AuthorizationStatus.AUTHORIZATION_STATUS_AUTHORIZED ? Settlement.AUTHORIZED
                        : Settlement.DECLINED, 0);
            });
            return new Answer(remembered.authorization(), null);
        }
    }

    /** Takes {@code amount} (at most what was authorized) from an authorization. Idempotent. */
    public void capture(String paymentId, MoneyRecord amount) {
        settle(paymentId, Settlement.CAPTURED, amount.getAmountMinor());
    }

    /** Releases an authorization: the card is not charged. Idempotent; a captured payment stays captured. */
    public void voidAuthorization(String paymentId) {
        settle(paymentId, Settlement.VOIDED, 0);
    }

    /** What became of a payment, if this gateway still remembers it. */
    public Settlement settlementOf(String paymentId) {
        synchronized (byKey) {
            String key = keyByPaymentId.get(paymentId);
            Remembered remembered = key == null ? null : byKey.get(key);
            return remembered == null ? null : remembered.settlement();
        }
    }

    private void settle(String paymentId, Settlement settlement, long amountMinor) {
        synchronized (byKey) {
            String key = keyByPaymentId.get(paymentId);
            Remembered remembered = key == null ? null : byKey.get(key);
            if (remembered == null || remembered.settlement() != Settlement.AUTHORIZED) {
                return; // Unknown here (authorized by another leader), already settled, or declined.
            }
            if (amountMinor > remembered.authorization().getAmount().getAmountMinor()) {
                throw new IllegalArgumentException("cannot capture " + amountMinor + " of an authorization of "
                        + remembered.authorization().getAmount().getAmountMinor());
            }
            byKey.put(key, new Remembered(remembered.authorization(), settlement, amountMinor));
        }
    }

    private Answer decide(AuthorizeRequest request) {
        String number = request.cardNumber().replace(" ", "").replace("-", "");
        Authorization.Builder authorization = Authorization.newBuilder()
                .setPaymentId(paymentIdFor(request.idempotencyKey())).setAmount(request.amount());
        if (!isWellFormed(number)) {
            return declined(authorization, "incorrect_number", "The card number is incorrect.");
        }
        authorization.setCardLast4(number.substring(number.length() - 4)).setCardBrand(brandOf(number));
        if (request.expiryMonth() < 1 || request.expiryMonth() > 12) {
            return declined(authorization, "invalid_expiry_month", "The card's expiration month is invalid.");
        }
        if (request.expiryYear() < 2000 || request.expiryYear() > 2199) {
            return declined(authorization, "invalid_expiry_year", "The card's expiration year is invalid.");
        }
        if (YearMonth.of(request.expiryYear(), request.expiryMonth())
                .isBefore(YearMonth.from(LocalDate.now(clock.withZone(ZoneOffset.UTC))))) {
            return declined(authorization, "expired_card", "Your card has expired.");
        }
        if (!CVC.matcher(request.cvc()).matches()) {
            return declined(authorization, "invalid_cvc", "The card's security code is invalid.");
        }
        return switch (number) {
            case CARD_DECLINED -> declined(authorization, "card_declined", "Your card was declined.");
            case CARD_INSUFFICIENT_FUNDS -> declined(authorization, "insufficient_funds",
                    "Your card has insufficient funds.");
            case CARD_EXPIRED -> declined(authorization, "expired_card", "Your card has expired.");
            case CARD_INCORRECT_CVC -> declined(authorization, "incorrect_cvc", "Your card's security code is incorrect.");
            case CARD_TRANSIENT_ERROR -> new Answer(null,
                    "processing_error: an error occurred while processing the card; nothing was charged, try again");
            default -> new Answer(authorization.setStatus(AuthorizationStatus.AUTHORIZATION_STATUS_AUTHORIZED).build(),
                    null);
        };
    }

    private static Answer declined(Authorization.Builder authorization, String code, String message) {
        return new Answer(authorization.setStatus(AuthorizationStatus.AUTHORIZATION_STATUS_DECLINED)
                .setDeclineCode(code).setMessage(message).build(), null);
    }

    /** "pay_" and 24 hex digits of SHA-256 of the key: the same on every node. */
    public static String paymentIdFor(String idempotencyKey) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(idempotencyKey.getBytes(StandardCharsets.UTF_8));
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
