package io.boxoffice.verifier.check;

/** What a client can observe about one seat of a show (blocked seats never take part in a check). */
public enum SeatStatus {
    FREE,
    HELD,
    BOOKED
}
