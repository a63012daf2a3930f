package io.boxoffice.verifier.check;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The sequential specification of one seat, as a compare-and-set register with timed expiry. Pure.
 *
 * <p>The model is nondeterministic in two places, so it works on <em>sets</em> of possible values (the
 * power-set construction Porcupine uses for nondeterministic models):
 * <ul>
 *   <li>A hold expires inside the replicated state at the first command stamped at or after its expiry, a
 *   moment no client sees. Before an operation that returned at or after the expiry (minus the clock skew
 *   allowance) the seat may still be held or may already be free. Before a <em>command</em> invoked after
 *   the latest possible expiry (plus the skew allowance) it is certainly free: the leader stamps the command
 *   no earlier than its arrival and expires every due hold before applying it.</li>
 *   <li>An operation with an unknown outcome that is linearized either took effect (when its precondition
 *   held) or found its precondition false and changed nothing. (Never linearizing it at all, meaning it
 *   was never applied, is the checker's business, not the model's.)</li>
 * </ul>
 *
 * @param clockSkewMillis how far the leader's stamp and the recording client's wall clock may disagree;
 *                        both read the same machine's clock in a local run, so a few milliseconds of
 *                        rounding and scheduling suffice
 */
public record SeatModel(long clockSkewMillis) {

    public SeatModel {
        if (clockSkewMillis < 0) {
            throw new IllegalArgumentException("clockSkewMillis must be >= 0, got " + clockSkewMillis);
        }
    }

    public static Set<SeatValue> initial() {
        return Set.of(SeatValue.FREE);
    }

    /**
     * The values the seat may have after {@code operation}, given it may have any of {@code before}; empty
     * when the operation cannot be linearized at this point.
     */
    public Set<SeatValue> step(Set<SeatValue> before, SeatOperation operation) {
        Set<SeatValue> after = new HashSet<>(4);
        for (SeatValue value : before) {
            for (SeatValue candidate : beforeOperation(value, operation)) {
                SeatValue next = apply(candidate, operation);
                if (next != null) {
                    after.add(next);
                } else if (operation.unknown()) {
                    after.add(candidate);
                }
            }
        }
        return after.isEmpty() ? Set.of() : Set.copyOf(after);
    }

    /** The values the seat may have at the operation's linearization point, counting hold expiry. */
    List<SeatValue> beforeOperation(SeatValue value, SeatOperation operation) {
        if (value.status() != SeatStatus.HELD) {
            return List.of(value);
        }
        if (operation.kind().isCommand() && value.expiresAtHighMillis() != Long.MAX_VALUE
                && operation.invokeWallMillis() > saturatedAdd(value.expiresAtHighMillis(), clockSkewMillis)) {
            return List.of(SeatValue.FREE);
        }
        if (operation.returnWallMillis() >= value.expiresAtLowMillis() - clockSkewMillis) {
            List<SeatValue> both = new ArrayList<>(2);
            both.add(value);
            both.add(SeatValue.FREE);
            return both;
        }
        return List.of(value);
    }

    /** The value after the operation from {@code value}, or null when the operation's outcome rules it out. */
    static SeatValue apply(SeatValue value, SeatOperation operation) {
        return switch (operation.kind()) {
            case HOLD -> value.status() == SeatStatus.FREE
                    ? SeatValue.held(operation.holdReference(), operation.userId(), operation.expiresAtLowMillis(),
                    operation.expiresAtHighMillis())
                    : null;
            case CONFIRM -> {
                if (value.isHeldBy(operation.holdReference())) {
                    yield SeatValue.booked(operation.bookingReference(), value.ownerUserId());
                }
                // A retried confirm of a confirmed hold answers the original booking and changes nothing.
                yield value.isBookedAs(operation.bookingReference()) ? value : null;
            }
            case RELEASE -> value.isHeldBy(operation.holdReference()) ? SeatValue.FREE : null;
            case CANCEL -> value.isBookedAs(operation.bookingReference()) ? SeatValue.FREE : null;
            case READ -> observes(value, operation) ? value : null;
            case REJECTED_AS_TAKEN -> value.status() != SeatStatus.FREE ? value : null;
            case REJECTED_HOLD_NOT_ACTIVE -> value.isHeldBy(operation.holdReference()) ? null : value;
            case REJECTED_BOOKING_NOT_ACTIVE -> value.isBookedAs(operation.bookingReference()) ? null : value;
        };
    }

    private static boolean observes(SeatValue value, SeatOperation read) {
        if (value.status() != read.observedStatus()) {
            return false;
        }
        if (value.status() == SeatStatus.FREE) {
            return true;
        }
        return value.ownerUserId().equals(read.userId()) == read.observedMine();
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }
}
