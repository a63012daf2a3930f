package io.boxoffice.booking.domain;

import io.boxoffice.proto.v1.Money;
import java.util.regex.Pattern;

/** Arithmetic and formatting of {@link Money}; amounts are minor units, currencies ISO 4217 codes. */
public final class Moneys {

    private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");

    private Moneys() {
    }

    public static Money of(long amountMinor, String currency) {
        return Money.newBuilder().setAmountMinor(amountMinor).setCurrency(currency).build();
    }

    public static Money zero(String currency) {
        return of(0, currency);
    }

    public static boolean isValidCurrency(String currency) {
        return CURRENCY.matcher(currency).matches();
    }

    /** Sum of two amounts of the same currency; a currency mismatch is a bug of the caller. */
    public static Money add(Money left, Money right) {
        if (!left.getCurrency().equals(right.getCurrency())) {
            throw new IllegalArgumentException("cannot add " + format(left) + " and " + format(right));
        }
        return of(Math.addExact(left.getAmountMinor(), right.getAmountMinor()), left.getCurrency());
    }

    public static Money subtract(Money left, Money right) {
        if (!left.getCurrency().equals(right.getCurrency())) {
            throw new IllegalArgumentException("cannot subtract " + format(right) + " from " + format(left));
        }
        return of(Math.subtractExact(left.getAmountMinor(), right.getAmountMinor()), left.getCurrency());
    }

    /** "12.50 EUR": two minor digits, which is what every currency we sell in uses. */
    public static String format(Money money) {
        long amount = money.getAmountMinor();
        String sign = amount < 0 ? "-" : "";
        long absolute = Math.abs(amount);
        return String.format("%s%d.%02d %s", sign, absolute / 100, absolute % 100, money.getCurrency());
    }
}
