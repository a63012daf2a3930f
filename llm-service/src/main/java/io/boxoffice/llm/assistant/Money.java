package io.boxoffice.llm.assistant;

import java.math.BigDecimal;
import java.util.Currency;

/** An amount in minor units of an ISO 4217 currency, rendered as {@code EUR 24.00}. */
public record Money(long amountMinor, String currency) {

    public Money {
        if (amountMinor < 0) {
            throw new IllegalArgumentException("amount must not be negative, got " + amountMinor);
        }
        try {
            Currency.getInstance(currency);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("'" + currency + "' is not an ISO 4217 currency code");
        }
    }

    public String render() {
        int digits = Math.max(0, Currency.getInstance(currency).getDefaultFractionDigits());
        return currency + " " + BigDecimal.valueOf(amountMinor, digits).toPlainString();
    }
}
