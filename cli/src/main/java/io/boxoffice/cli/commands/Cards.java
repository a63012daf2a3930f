package io.boxoffice.cli.commands;

import io.boxoffice.proto.v1.PaymentDetails;
import java.time.LocalDate;
import java.util.List;

/** The mock payment gateway's test cards, and how a card number typed by a user becomes payment details. */
public final class Cards {

    /** A test card and what the gateway does with it. */
    public record TestCard(String number, String outcome) {
    }

    public static final String SUCCEEDS = "4242424242424242";

    public static final List<TestCard> TEST_CARDS = List.of(
            new TestCard(SUCCEEDS, "succeeds"),
            new TestCard("4000000000000002", "is declined"),
            new TestCard("4000000000009995", "is declined: insufficient funds"),
            new TestCard("4000000000000119", "fails transiently (the gateway is unavailable; retry)"));

    private Cards() {
    }

    /** The card number without spaces or dashes; the message says what is wrong. */
    public static String normalize(String number) {
        String digits = number.replaceAll("[\\s-]", "");
        if (!digits.matches("[0-9]{12,19}")) {
            throw new IllegalArgumentException("a card number has 12 to 19 digits, for example " + SUCCEEDS);
        }
        return digits;
    }

    /** Payment details for a test card: an expiry in two years, CVC 123. */
    public static PaymentDetails payment(String number, String cardholder, LocalDate today) {
        return PaymentDetails.newBuilder().setCardNumber(normalize(number)).setExpiryMonth(12)
                .setExpiryYear(today.getYear() + 2).setCvc("123")
                .setCardholderName(cardholder == null || cardholder.isBlank() ? "Test Customer" : cardholder).build();
    }

    public static String listing() {
        StringBuilder out = new StringBuilder("Test cards:\n");
        for (TestCard card : TEST_CARDS) {
            out.append("  ").append(card.number()).append("  ").append(card.outcome()).append('\n');
        }
        return out.toString();
    }
}
