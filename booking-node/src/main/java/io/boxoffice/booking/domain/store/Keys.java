package io.boxoffice.booking.domain.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The key layout of the state store. Every key starts with one byte naming its table; the rest are the
 * record's id or, for indexes, the fields to sort by. Strings are ids of {@code [A-Za-z0-9_-]} (and
 * usernames, idempotency keys: printable ASCII), so a 0 byte ends a string field unambiguously; numbers
 * are 8-byte big-endian, so byte order is numeric order for the non-negative values stored here.
 *
 * <p>Primary records: user {@code U}, username {@code N}, movie {@code V}, screen {@code S}, show
 * {@code W}, hold {@code H}, booking {@code B}, payment owner {@code P}, unmatched payment {@code X},
 * seat occupant {@code O}, audit event {@code E}, idempotency record {@code I}, counter {@code C},
 * meta {@code M}. Indexes (their value is the id they point to): shows by start {@code w}, shows by screen {@code k}, shows by
 * movie {@code m}, active holds {@code A}, bookings by user {@code b}, by show {@code c}, by time
 * {@code t}, events by seat {@code s}, by hold {@code h}, by booking {@code e}, idempotency by age {@code i}.
 */
public final class Keys {

    public static final byte USER = 'U';
    public static final byte USERNAME = 'N';
    public static final byte MOVIE = 'V';
    public static final byte SCREEN = 'S';
    public static final byte SHOW = 'W';
    public static final byte SHOW_BY_START = 'w';
    public static final byte SHOW_BY_SCREEN = 'k';
    public static final byte SHOW_BY_MOVIE = 'm';
    public static final byte HOLD = 'H';
    public static final byte ACTIVE_HOLD = 'A';
    public static final byte BOOKING = 'B';
    public static final byte BOOKING_BY_USER = 'b';
    public static final byte BOOKING_BY_SHOW = 'c';
    public static final byte BOOKING_BY_TIME = 't';
    public static final byte PAYMENT_OWNER = 'P';
    public static final byte UNMATCHED_PAYMENT = 'X';
    public static final byte OCCUPANT = 'O';
    public static final byte EVENT = 'E';
    public static final byte EVENT_BY_SEAT = 's';
    public static final byte EVENT_BY_HOLD = 'h';
    public static final byte EVENT_BY_BOOKING = 'e';
    public static final byte IDEMPOTENCY = 'I';
    public static final byte IDEMPOTENCY_BY_AGE = 'i';
    public static final byte COUNTER = 'C';
    public static final byte META = 'M';

    private Keys() {
    }

    /** A key builder: table byte, then fields. */
    public static Builder of(byte table) {
        return new Builder(table);
    }

    /** The key {@code table + id}. */
    public static byte[] id(byte table, String id) {
        return of(table).text(id).build();
    }

    public static final class Builder {
        private byte[] bytes = new byte[48];
        private int length;

        private Builder(byte table) {
            bytes[length++] = table;
        }

        /** A string field followed by a 0 separator (so prefixes of one string never match another). */
        public Builder text(String value) {
            byte[] encoded = value.getBytes(StandardCharsets.UTF_8);
            ensure(encoded.length + 1);
            System.arraycopy(encoded, 0, bytes, length, encoded.length);
            length += encoded.length;
            bytes[length++] = 0;
            return this;
        }

        /** An 8-byte big-endian number. */
        public Builder number(long value) {
            ensure(8);
            for (int shift = 56; shift >= 0; shift -= 8) {
                bytes[length++] = (byte) (value >>> shift);
            }
            return this;
        }

        /** A 2-byte big-endian number. */
        public Builder shortNumber(int value) {
            ensure(2);
            bytes[length++] = (byte) (value >>> 8);
            bytes[length++] = (byte) value;
            return this;
        }

        public byte[] build() {
            return Arrays.copyOf(bytes, length);
        }

        private void ensure(int more) {
            if (bytes.length - length < more) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
            }
        }
    }

    /** Reads the 8-byte number at {@code offset} of a key. */
    public static long numberAt(byte[] key, int offset) {
        return ByteBuffer.wrap(key, offset, 8).getLong();
    }

    /** The 0-terminated string field starting at {@code offset}. */
    public static String textAt(byte[] key, int offset) {
        int end = offset;
        while (end < key.length && key[end] != 0) {
            end++;
        }
        return new String(key, offset, end - offset, StandardCharsets.UTF_8);
    }
}
