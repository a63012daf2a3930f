package io.boxoffice.verifier.check;

import io.boxoffice.verifier.check.ClientOperation.ObservedSeat;
import io.boxoffice.verifier.check.ClientOperation.Outcome;
import io.boxoffice.verifier.check.ClientOperation.Type;
import java.util.ArrayList;
import java.util.List;

/** Hand-made histories for one show, with times in milliseconds from the start of the run. */
final class HistoryBuilder {

    static final String SHOW = "show-1";
    /** Wall clock of time 0. */
    static final long BASE_WALL_MILLIS = 1_700_000_000_000L;

    private final List<ClientOperation> operations = new ArrayList<>();

    List<ClientOperation> build() {
        return List.copyOf(operations);
    }

    HistoryBuilder hold(String user, String seat, String holdId, long expiresAtMillis, long from, long to) {
        return add(user, Type.HOLD_SEATS, List.of(seat), holdId, "", Outcome.OK, "", List.of(),
                BASE_WALL_MILLIS + expiresAtMillis, List.of(), from, to);
    }

    HistoryBuilder holdRejectedAsTaken(String user, String seat, long from, long to) {
        return add(user, Type.HOLD_SEATS, List.of(seat), "", "", Outcome.FAIL, "FAILED_PRECONDITION", List.of(seat),
                0, List.of(), from, to);
    }

    HistoryBuilder holdUnknown(String user, String seat, long from, long gaveUpAt) {
        return add(user, Type.HOLD_SEATS, List.of(seat), "", "", Outcome.UNKNOWN, "UNAVAILABLE", List.of(), 0,
                List.of(), from, gaveUpAt);
    }

    HistoryBuilder book(String user, String seat, String holdId, String bookingId, long from, long to) {
        return add(user, Type.BOOK_SEATS, List.of(seat), holdId, bookingId, Outcome.OK, "", List.of(), 0, List.of(),
                from, to);
    }

    HistoryBuilder bookRejectedAsTaken(String user, String seat, long from, long to) {
        return add(user, Type.BOOK_SEATS, List.of(seat), "", "", Outcome.FAIL, "FAILED_PRECONDITION", List.of(seat),
                0, List.of(), from, to);
    }

    HistoryBuilder bookUnknown(String user, String seat, long from, long gaveUpAt) {
        return add(user, Type.BOOK_SEATS, List.of(seat), "", "", Outcome.UNKNOWN, "DEADLINE_EXCEEDED", List.of(), 0,
                List.of(), from, gaveUpAt);
    }

    HistoryBuilder confirm(String user, String seat, String holdId, String bookingId, long from, long to) {
        return add(user, Type.CONFIRM_HOLD, List.of(seat), holdId, bookingId, Outcome.OK, "", List.of(), 0, List.of(),
                from, to);
    }

    HistoryBuilder confirmRejected(String user, String seat, String holdId, String code, long from, long to) {
        return add(user, Type.CONFIRM_HOLD, List.of(seat), holdId, "", Outcome.FAIL, code, List.of(), 0, List.of(),
                from, to);
    }

    HistoryBuilder release(String user, String seat, String holdId, long from, long to) {
        return add(user, Type.RELEASE_HOLD, List.of(seat), holdId, "", Outcome.OK, "", List.of(), 0, List.of(), from,
                to);
    }

    HistoryBuilder cancel(String user, String seat, String bookingId, long from, long to) {
        return add(user, Type.CANCEL_BOOKING, List.of(seat), "", bookingId, Outcome.OK, "", List.of(), 0, List.of(),
                from, to);
    }

    HistoryBuilder cancelRejected(String user, String seat, String bookingId, String code, long from, long to) {
        return add(user, Type.CANCEL_BOOKING, List.of(seat), "", bookingId, Outcome.FAIL, code, List.of(), 0,
                List.of(), from, to);
    }

    HistoryBuilder read(String user, String seat, SeatStatus status, boolean mine, long from, long to) {
        return add(user, Type.READ_SEAT_MAP, List.of(), "", "", Outcome.OK, "", List.of(), 0,
                List.of(new ObservedSeat(seat, status, mine)), from, to);
    }

    HistoryBuilder add(String user, Type type, List<String> seats, String holdId, String bookingId, Outcome outcome,
                       String code, List<String> taken, long expiresAtWallMillis, List<ObservedSeat> observed,
                       long from, long to) {
        int index = operations.size();
        operations.add(new ClientOperation(index, index, user, type, SHOW, seats, holdId, bookingId, "key-" + index,
                outcome, code, code.isEmpty() ? "" : code.toLowerCase(), taken, expiresAtWallMillis, observed,
                from * 1_000_000L, to * 1_000_000L, BASE_WALL_MILLIS + from, BASE_WALL_MILLIS + to, "node-1", 1));
        return this;
    }
}
