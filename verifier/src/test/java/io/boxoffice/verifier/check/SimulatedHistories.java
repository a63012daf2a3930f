package io.boxoffice.verifier.check;

import io.boxoffice.verifier.check.ClientOperation.ObservedSeat;
import io.boxoffice.verifier.check.ClientOperation.Outcome;
import io.boxoffice.verifier.check.ClientOperation.Type;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Generates histories of a correct (atomic) booking service: concurrent clients whose operations each take
 * effect at one instant inside their interval, applied in instant order to one true state, with holds that
 * expire at the first command stamped after their expiry. Some answers are lost (unknown outcome), with
 * the effect applied or not. Every generated history is linearizable by construction.
 */
final class SimulatedHistories {

    private record Pending(int client, Type type, List<String> seats, String holdId, String bookingId, long invoke,
                           long point, long ret, boolean lost) {
    }

    private record State(String holdId, String bookingId, String user, long expiresAt) {
    }

    static List<ClientOperation> generate(long seed, int clients, int operationsPerClient, List<String> seats,
                                          long holdDurationMillis, double lostAnswerProbability) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Pending> pending = new ArrayList<>();
        for (int client = 0; client < clients; client++) {
            long time = random.nextLong(20);
            for (int i = 0; i < operationsPerClient; i++) {
                long length = 1 + random.nextLong(30);
                long point = time + random.nextLong(length + 1);
                boolean lost = random.nextDouble() < lostAnswerProbability;
                double choice = random.nextDouble();
                Type type = choice < 0.3 ? Type.HOLD_SEATS : choice < 0.45 ? Type.BOOK_SEATS : choice < 0.6
                        ? Type.CONFIRM_HOLD : choice < 0.65 ? Type.RELEASE_HOLD : choice < 0.75 ? Type.CANCEL_BOOKING
                        : Type.READ_SEAT_MAP;
                // A lost answer of a write takes effect up to 500 ms late (a commit after the client gave up).
                long effectivePoint = lost && type != Type.READ_SEAT_MAP ? point + random.nextLong(500) : point;
                pending.add(new Pending(client, type, List.of(seats.get(random.nextInt(seats.size()))), "", "", time,
                        effectivePoint, time + length, lost));
                time += length + random.nextLong(5);
            }
        }
        pending.sort(Comparator.comparingLong(Pending::point));
        Map<String, State> state = new HashMap<>();
        Map<Integer, List<String[]>> holdsByClient = new HashMap<>();
        Map<Integer, List<String[]>> bookingsByClient = new HashMap<>();
        List<ClientOperation> history = new ArrayList<>();
        int ids = 0;
        for (Pending operation : pending) {
            String user = "u" + operation.client();
            expire(state, operation.point());
            String seat = operation.seats().getFirst();
            State current = state.get(seat);
            Outcome outcome = Outcome.OK;
            String holdId = "";
            String bookingId = "";
            List<String> seatsOfOperation = operation.seats();
            List<String> taken = List.of();
            List<ObservedSeat> observed = List.of();
            long expiresAt = 0;
            String code = "";
            Type type = operation.type();
            List<String[]> myHolds = holdsByClient.computeIfAbsent(operation.client(), c -> new ArrayList<>());
            List<String[]> myBookings = bookingsByClient.computeIfAbsent(operation.client(), c -> new ArrayList<>());
            if ((type == Type.CONFIRM_HOLD || type == Type.RELEASE_HOLD) && myHolds.isEmpty()
                    || type == Type.CANCEL_BOOKING && myBookings.isEmpty()) {
                type = Type.READ_SEAT_MAP;
                if (operation.lost()) {
                    // Its instant was drawn for a late effect, which a read does not have: drop it.
                    continue;
                }
            }
            switch (type) {
                case HOLD_SEATS, BOOK_SEATS -> {
                    if (current == null) {
                        holdId = "h" + (++ids);
                        expiresAt = operation.point() + holdDurationMillis;
                        if (type == Type.HOLD_SEATS) {
                            state.put(seat, new State(holdId, "", user, expiresAt));
                            myHolds.add(new String[] {holdId, seat});
                        } else {
                            bookingId = "b" + (++ids);
                            state.put(seat, new State("", bookingId, user, 0));
                            myBookings.add(new String[] {bookingId, seat});
                            expiresAt = 0;
                        }
                    } else {
                        outcome = Outcome.FAIL;
                        code = "FAILED_PRECONDITION";
                        taken = List.of(seat);
                    }
                }
                case CONFIRM_HOLD, RELEASE_HOLD -> {
                    String[] hold = myHolds.remove(random.nextInt(myHolds.size()));
                    holdId = hold[0];
                    seatsOfOperation = List.of(hold[1]);
                    State held = state.get(hold[1]);
                    if (held != null && held.holdId().equals(holdId)) {
                        if (type == Type.CONFIRM_HOLD) {
                            bookingId = "b" + (++ids);
                            state.put(hold[1], new State("", bookingId, held.user(), 0));
                            myBookings.add(new String[] {bookingId, hold[1]});
                        } else {
                            state.remove(hold[1]);
                        }
                    } else {
                        outcome = Outcome.FAIL;
                        code = "FAILED_PRECONDITION";
                    }
                }
                case CANCEL_BOOKING -> {
                    String[] booking = myBookings.remove(random.nextInt(myBookings.size()));
                    bookingId = booking[0];
                    seatsOfOperation = List.of(booking[1]);
                    State booked = state.get(booking[1]);
                    if (booked != null && booked.bookingId().equals(bookingId)) {
                        state.remove(booking[1]);
                    } else {
                        outcome = Outcome.FAIL;
                        code = "FAILED_PRECONDITION";
                    }
                }
                case READ_SEAT_MAP -> {
                    seatsOfOperation = List.of();
                    List<ObservedSeat> all = new ArrayList<>();
                    for (String s : seats) {
                        State value = state.get(s);
                        SeatStatus status = value == null ? SeatStatus.FREE
                                : value.bookingId().isEmpty() ? SeatStatus.HELD : SeatStatus.BOOKED;
                        all.add(new ObservedSeat(s, status, value != null && value.user().equals(user)));
                    }
                    observed = all;
                }
            }
            boolean lost = operation.lost() && type != Type.READ_SEAT_MAP;
            if (lost) {
                // The client never learns what happened (and so cannot use the ids).
                if (outcome == Outcome.OK && (type == Type.HOLD_SEATS || type == Type.BOOK_SEATS)) {
                    forget(myHolds, holdId);
                    forget(myBookings, bookingId);
                }
                if (outcome == Outcome.OK && type == Type.CONFIRM_HOLD) {
                    forget(myBookings, bookingId);
                }
                outcome = Outcome.UNKNOWN;
                code = "UNAVAILABLE";
                if (type == Type.HOLD_SEATS || type == Type.BOOK_SEATS) {
                    holdId = "";
                    bookingId = type == Type.BOOK_SEATS ? "" : bookingId;
                }
                if (type == Type.CONFIRM_HOLD) {
                    bookingId = "";
                }
                taken = List.of();
                expiresAt = 0;
            }
            int index = history.size();
            long ret = lost ? operation.invoke() + 1 : operation.ret();
            history.add(new ClientOperation(index, operation.client(), user, type, HistoryBuilder.SHOW,
                    seatsOfOperation, holdId, bookingId, "k" + index, outcome, code, "", taken,
                    expiresAt == 0 ? 0 : HistoryBuilder.BASE_WALL_MILLIS + expiresAt, observed,
                    operation.invoke() * 1_000_000L, ret * 1_000_000L,
                    HistoryBuilder.BASE_WALL_MILLIS + operation.invoke(), HistoryBuilder.BASE_WALL_MILLIS + ret, "n1", 1));
        }
        return history;
    }

    /** Expires holds due at {@code now}: the service does it before every operation (command or not). */
    private static void expire(Map<String, State> state, long now) {
        state.entrySet().removeIf(entry -> !entry.getValue().holdId().isEmpty() && entry.getValue().expiresAt() <= now);
    }

    private static void forget(List<String[]> entries, String id) {
        entries.removeIf(entry -> entry[0].equals(id));
    }
}
