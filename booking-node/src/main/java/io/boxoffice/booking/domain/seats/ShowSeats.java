package io.boxoffice.booking.domain.seats;

/**
 * Who occupies each seat of one show, by seat index: a compact copy of the show's occupant records kept
 * in memory for the shows in use (8 bytes per seat and field; 1,040 seats take 17 KB). An occupant is
 * named by its ref (the unique number of the command that created the hold or booking) and a bit saying
 * whether it is a hold; its user by the user's ref.
 */
public final class ShowSeats {

    private final long[] occupant;
    private final long[] user;
    private int occupied;

    ShowSeats(int seatCount) {
        this.occupant = new long[seatCount];
        this.user = new long[seatCount];
    }

    static long encode(long ref, boolean hold) {
        return (ref << 1) | (hold ? 1 : 0);
    }

    public int seatCount() {
        return occupant.length;
    }

    public boolean isFree(int seat) {
        return occupant[seat] == 0;
    }

    public boolean isHeld(int seat) {
        return (occupant[seat] & 1) == 1;
    }

    /** Ref of the hold or booking on the seat, 0 when free. */
    public long occupantRef(int seat) {
        return occupant[seat] >>> 1;
    }

    public long userRef(int seat) {
        return user[seat];
    }

    public int occupiedCount() {
        return occupied;
    }

    void set(int seat, long ref, boolean hold, long userRef) {
        if (occupant[seat] != 0) {
            throw new IllegalStateException("seat " + seat + " is already occupied by ref " + occupantRef(seat));
        }
        occupant[seat] = encode(ref, hold);
        user[seat] = userRef;
        occupied++;
    }

    void clear(int seat, long expectedRef) {
        if (occupant[seat] == 0 || occupantRef(seat) != expectedRef) {
            throw new IllegalStateException("seat " + seat + " is occupied by ref " + occupantRef(seat)
                    + ", expected " + expectedRef);
        }
        occupant[seat] = 0;
        user[seat] = 0;
        occupied--;
    }
}
