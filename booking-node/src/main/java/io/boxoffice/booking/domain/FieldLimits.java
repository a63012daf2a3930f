package io.boxoffice.booking.domain;

import java.util.regex.Pattern;

/**
 * The shapes and sizes of every field the booking rules accept, in one place: the API's request
 * validation and the state machine's own checks read the same values, so a request the API lets through
 * is never refused by the state machine for its shape (and the other way round).
 */
public final class FieldLimits {

    private FieldLimits() {
    }

    public static final Pattern USERNAME = Pattern.compile("[a-z0-9._-]{3,32}");
    public static final int USERNAME_LENGTH_MAX = 32;
    public static final int PASSWORD_LENGTH_MIN = 8;
    public static final int PASSWORD_LENGTH_MAX = 128;
    public static final int PASSWORD_HASH_LENGTH_MAX = 1024;
    /** What the state machine derives ids from: the body after the kind prefix ("bkg_"). */
    public static final Pattern ID_BODY = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    public static final int ID_LENGTH_MAX = 100;
    public static final int TITLE_LENGTH_MAX = 200;
    public static final int DESCRIPTION_LENGTH_MAX = 4000;
    public static final int DURATION_MINUTES_MAX = 1000;
    public static final int AGE_RATING_LENGTH_MAX = 16;
    public static final int GENRES_MAX = 10;
    public static final int GENRE_LENGTH_MAX = 32;
    public static final int SCREEN_NAME_LENGTH_MAX = 100;
    public static final int REASON_LENGTH_MAX = 500;
    public static final int CARDHOLDER_NAME_LENGTH_MAX = 100;
    /** Rows are lettered A..Z. */
    public static final int ROWS_MAX = 26;
    /** Seat numbers have at most two digits. */
    public static final int SEATS_PER_ROW_MAX = 60;
    public static final int CATEGORIES_MAX = 10;
    public static final Pattern CATEGORY = Pattern.compile("[a-z0-9_-]{1,32}");
    public static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");
    public static final long PRICE_MINOR_MAX = 100_000_000L;
    /** The most a booking can cost: every seat of the largest screen at the highest price. */
    public static final long BOOKING_AMOUNT_MINOR_MAX = PRICE_MINOR_MAX * ROWS_MAX * SEATS_PER_ROW_MAX;
    public static final int IDEMPOTENCY_KEY_LENGTH_MAX = 128;
    public static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x20-\\x7E]{1," + IDEMPOTENCY_KEY_LENGTH_MAX + "}");
    /** Show start times: after 2000-01-01 and before 2200-01-01, so start + duration never overflows. */
    public static final long STARTS_AT_MILLIS_MIN = 946_684_800_000L;
    public static final long STARTS_AT_MILLIS_MAX = 7_258_118_400_000L;
    public static final int PAGE_SIZE_DEFAULT = 50;
    public static final int PAGE_SIZE_MAX = 500;
    public static final int PAGE_TOKEN_LENGTH_MAX = 200;
    /** How much of a client's value an error message repeats back. */
    public static final int ECHOED_LENGTH_MAX = 40;

    /**
     * {@code ID_BODY.matcher(value).matches()} without a regex: the state machine checks every command's
     * new id on every replica, and the matcher was a measurable part of applying a booking.
     */
    public static boolean isIdBody(String value) {
        int length = value.length();
        if (length < 1 || length > 64) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            boolean allowed = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
            if (!allowed) {
                return false;
            }
        }
        return true;
    }

    /** {@code IDEMPOTENCY_KEY.matcher(value).matches()} without a regex (checked for every command on every replica). */
    public static boolean isIdempotencyKey(String value) {
        int length = value.length();
        if (length < 1 || length > IDEMPOTENCY_KEY_LENGTH_MAX) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7E) {
                return false;
            }
        }
        return true;
    }

    /**
     * A value as an error message may quote it: at most {@link #ECHOED_LENGTH_MAX} characters (code points, so a
     * cut never splits a character), then "…"; control characters become '?'.
     */
    public static String echo(String value) {
        String shown = value.codePointCount(0, value.length()) > ECHOED_LENGTH_MAX
                ? value.substring(0, value.offsetByCodePoints(0, ECHOED_LENGTH_MAX)) + "…" : value;
        return shown.replaceAll("\\p{Cntrl}", "?");
    }
}
