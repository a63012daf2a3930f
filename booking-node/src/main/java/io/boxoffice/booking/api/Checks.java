package io.boxoffice.booking.api;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import io.boxoffice.booking.domain.FieldLimits;
import java.util.regex.Pattern;

/**
 * Collects the violations of one request; {@link #done()} throws {@link InvalidArgument} listing them
 * all. Bounded: at most {@link #MAX_VIOLATIONS} are kept, so a hostile request with a million bad seat
 * ids costs a bounded message.
 */
final class Checks {

    static final int MAX_VIOLATIONS = 20;

    /** "A1" .. "Z60": a row letter and a seat number without leading zero. */
    static final Pattern SEAT_ID = Pattern.compile("[A-Z]([1-9][0-9]?)");
    static final int MAX_SEAT_NUMBER = FieldLimits.SEATS_PER_ROW_MAX;
    static final Pattern ROW = Pattern.compile("[A-Z]");
    /** Ids the state machine makes: a three-letter kind, '_', then 1..64 of [A-Za-z0-9_-]. */
    static final Pattern ID_BODY = FieldLimits.ID_BODY;
    static final Pattern CURRENCY = FieldLimits.CURRENCY;
    static final Pattern PRINTABLE_ASCII = Pattern.compile("[\\x20-\\x7E]+");

    private final List<InvalidArgument.Violation> violations = new ArrayList<>();

    void fail(String field, String description) {
        if (violations.size() < MAX_VIOLATIONS) {
            violations.add(new InvalidArgument.Violation(field, description));
        }
    }

    boolean ok() {
        return violations.isEmpty();
    }

    void done() {
        if (!violations.isEmpty()) {
            throw new InvalidArgument(violations);
        }
    }

    void id(String field, String value, String prefix) {
        if (value.isEmpty()) {
            fail(field, "is required");
        } else if (!value.startsWith(prefix) || !ID_BODY.matcher(value.substring(prefix.length())).matches()) {
            fail(field, "'" + abbreviate(value) + "' is not a valid id (expected " + prefix + "<1..64 of "
                    + "[A-Za-z0-9_-]>)");
        }
    }

    void optionalId(String field, String value, String prefix) {
        if (!value.isEmpty()) {
            id(field, value, prefix);
        }
    }

    void text(String field, String value, int min, int max) {
        int length = value.codePointCount(0, value.length());
        if (length < min) {
            fail(field, min == 1 ? "is required" : "must be at least " + min + " characters");
        } else if (length > max) {
            fail(field, "must be at most " + max + " characters, was " + length);
        } else if (value.chars().anyMatch(c -> Character.isISOControl(c) && c != '\n' && c != '\t')) {
            fail(field, "must not contain control characters");
        }
    }

    void range(String field, long value, long min, long max) {
        if (value < min || value > max) {
            fail(field, "must be between " + min + " and " + max + ", was " + value);
        }
    }

    void idempotencyKey(String field, String key, int maxLength) {
        if (key.isEmpty()) {
            return;
        }
        if (key.length() > maxLength || !PRINTABLE_ASCII.matcher(key).matches()) {
            fail(field, "must be 1.." + maxLength + " printable ASCII characters");
        }
    }

    void seatIds(String field, List<String> seatIds, int maxSeats) {
        if (seatIds.isEmpty()) {
            fail(field, "name at least one seat");
            return;
        }
        if (seatIds.size() > maxSeats) {
            fail(field, seatIds.size() + " seats requested; at most " + maxSeats + " per hold");
            return;
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < seatIds.size(); i++) {
            String seat = seatIds.get(i);
            seat(field + "[" + i + "]", seat);
            if (!seen.add(seat)) {
                fail(field + "[" + i + "]", "seat " + abbreviate(seat) + " is named twice");
            }
        }
    }

    void seat(String field, String seat) {
        var matcher = SEAT_ID.matcher(seat);
        if (!matcher.matches()) {
            fail(field, "'" + abbreviate(seat) + "' is not a seat id (a row letter A..Z and a seat number, e.g. A5)");
        } else if (Integer.parseInt(matcher.group(1)) > MAX_SEAT_NUMBER) {
            fail(field, "seat " + seat + " is out of range: rows have at most " + MAX_SEAT_NUMBER + " seats");
        }
    }

    /** An amount in {@code minMinor..maxMinor} minor units with an ISO 4217 currency. */
    void money(String field, io.boxoffice.proto.v1.Money money, long minMinor, long maxMinor) {
        if (money.getAmountMinor() < 0) {
            fail(field + ".amount_minor", "must not be negative");
        } else if (money.getAmountMinor() < minMinor || money.getAmountMinor() > maxMinor) {
            fail(field + ".amount_minor", "must be between " + minMinor + " and " + maxMinor + " minor units, was "
                    + money.getAmountMinor());
        }
        if (!CURRENCY.matcher(money.getCurrency()).matches()) {
            fail(field + ".currency", "must be an ISO 4217 code of three upper-case letters, e.g. EUR");
        }
    }

    static String abbreviate(String value) {
        return FieldLimits.echo(value);
    }
}
