package io.boxoffice.booking.domain;

import io.boxoffice.proto.replicated.v1.MoneyRecord;

/** Arithmetic and formatting of {@link MoneyRecord}; amounts are minor units, currencies ISO 4217 codes. */
public final class Moneys {

    private Moneys() {
    }

    public static MoneyRecord of(long amountMinor, String currency) {
        return MoneyRecord.newBuilder().setAmountMinor(amountMinor).setCurrency(currency).build();
    }

    public static MoneyRecord zero(String currency) {
        return of(0, currency);
    }

    public static boolean isValidCurrency(String currency) {
        return FieldLimits.CURRENCY.matcher(currency).matches();
    }

    /** Sum of two amounts of the same currency; a currency mismatch is a bug of the caller. */
    public static MoneyRecord add(MoneyRecord left, MoneyRecord right) {
        if (!left.getCurrency().equals(right.getCurrency())) {
            throw new IllegalArgumentException("cannot add " + format(left) + " and " + format(right));
        }
        return of(Math.addExact(left.getAmountMinor(), right.getAmountMinor()), left.getCurrency());
    }

    public static MoneyRecord times(MoneyRecord price, int count) {
        return of(Math.multiplyExact(price.getAmountMinor(), count), price.getCurrency());
    }

    /** "12.50 EUR": two minor digits, which is what every currency we sell in uses. */
    public static String format(MoneyRecord money) {
        long amount = money.getAmountMinor();
        String sign = amount < 0 ? "-" : "";
        long absolute = Math.abs(amount);
        return String.format("%s%d.%02d %s", sign, absolute / 100, absolute % 100, money.getCurrency());
    }
}
