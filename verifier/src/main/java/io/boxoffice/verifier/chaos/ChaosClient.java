package io.boxoffice.verifier.chaos;

import io.boxoffice.testkit.client.NodeClient;
import io.boxoffice.verifier.check.ClientOperation;
import io.boxoffice.verifier.check.ClientOperation.ObservedSeat;
import io.boxoffice.verifier.check.ClientOperation.Outcome;
import io.boxoffice.verifier.check.ClientOperation.Type;
import io.boxoffice.verifier.check.SeatStatus;
import io.boxoffice.proto.v1.BookSeatsRequest;
import io.boxoffice.proto.v1.Booking;
import io.boxoffice.proto.v1.CancelBookingRequest;
import io.boxoffice.proto.v1.ConfirmHoldRequest;
import io.boxoffice.proto.v1.GetSeatMapRequest;
import io.boxoffice.proto.v1.Hold;
import io.boxoffice.proto.v1.HoldSeatsRequest;
import io.boxoffice.proto.v1.PaymentDetails;
import io.boxoffice.proto.v1.ReadConsistency;
import io.boxoffice.proto.v1.ReleaseHoldRequest;
import io.boxoffice.proto.v1.Seat;
import io.boxoffice.proto.v1.SeatMap;
import io.boxoffice.proto.v1.SeatRow;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One simulated customer: a single thread that holds, books, confirms, releases and cancels seats among
 * a few hot seats, reads the seat map, and lets some holds expire, recording every operation. A write is
 * retried with the same idempotency key on another node when the answer is ambiguous (UNAVAILABLE, a
 * deadline); it ends as unknown only when every attempt was ambiguous.
 */
final class ChaosClient implements Runnable {

    /** Codes the state machine decides: final even after earlier ambiguous attempts (same idempotency key). */
    private static final Set<Status.Code> VERDICTS = Set.of(Status.Code.FAILED_PRECONDITION, Status.Code.NOT_FOUND,
            Status.Code.ALREADY_EXISTS);
    /** Codes after which the attempt may or may not have been applied. */
    private static final Set<Status.Code> AMBIGUOUS = Set.of(Status.Code.UNAVAILABLE, Status.Code.DEADLINE_EXCEEDED,
            Status.Code.ABORTED, Status.Code.CANCELLED, Status.Code.UNKNOWN, Status.Code.INTERNAL,
            Status.Code.DATA_LOSS);
    private static final Metadata.Key<String> TAKEN_SEATS = Metadata.Key.of("x-boxoffice-taken-seats",
            Metadata.ASCII_STRING_MARSHALLER);
    static final PaymentDetails GOOD_CARD = NodeClient.CARD;

    /** How many holds one client keeps at a time (the per-user cap is 5). */
    private static final int ACTIVE_HOLDS_MAX = 4;

    /**
     * @param attemptsMax      attempts of one write
     * @param attemptDeadlineMillis deadline of one attempt
     * @param thinkMillisMax   pause between operations, uniformly 0..this
     */
    record Limits(int attemptsMax, long attemptDeadlineMillis, long thinkMillisMax) {
    }

    private record MyHold(String holdId, List<String> seatIds, long expiresAtMillis) {
    }

    private record MyBooking(String bookingId, List<String> seatIds) {
    }

    private final int process;
    private final String userId;
    private final String token;
    private final String showId;
    private final List<String> hotSeats;
    private final LocalCluster cluster;
    private final HistoryRecorder recorder;
    private final SplittableRandom random;
    private final Limits limits;
    private final AtomicBoolean stop;
    private final List<MyHold> holds = new ArrayList<>();
    private final List<MyBooking> bookings = new ArrayList<>();
    private int preferredSlot;
    private long keyCounter;

    ChaosClient(int process, String userId, String token, String showId, List<String> hotSeats, LocalCluster cluster,
                HistoryRecorder recorder, long seed, Limits limits, AtomicBoolean stop) {
        this.process = process;
        this.userId = userId;
        this.token = token;
        this.showId = showId;
        this.hotSeats = List.copyOf(hotSeats);
        this.cluster = cluster;
        this.recorder = recorder;
        this.random = new SplittableRandom(seed);
        this.limits = limits;
        this.stop = stop;
        List<Integer> slots = cluster.slots();
        this.preferredSlot = slots.get(random.nextInt(slots.size()));
    }

    @Override
    public void run() {
        while (!stop.get()) {
            step();
            if (limits.thinkMillisMax() > 0) {
                LocalCluster.sleep(random.nextLong(limits.thinkMillisMax() + 1));
            }
        }
    }

    private void step() {
        long nowMillis = System.currentTimeMillis();
        holds.removeIf(hold -> hold.expiresAtMillis() + 2_000 < nowMillis);
        double choice = random.nextDouble();
        if (choice < 0.28 && holds.size() < ACTIVE_HOLDS_MAX) {
            hold();
        } else if (choice < 0.43) {
            book();
        } else if (choice < 0.60 && !holds.isEmpty()) {
            MyHold hold = holds.remove(random.nextInt(holds.size()));
            if (random.nextDouble() < 0.7) {
                confirm(hold);
            } else {
                release(hold);
            }
        } else if (choice < 0.70 && !bookings.isEmpty()) {
            cancel(bookings.remove(random.nextInt(bookings.size())));
        } else {
            readSeatMap();
        }
    }

    private List<String> pickSeats() {
        int count = random.nextDouble() < 0.75 ? 1 : 2;
        List<String> seats = new ArrayList<>(hotSeats);
        List<String> picked = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            picked.add(seats.remove(random.nextInt(seats.size())));
        }
        picked.sort(null);
        return picked;
    }

    private String newKey() {
        return "c" + process + "-" + (++keyCounter) + "-" + Long.toHexString(random.nextLong());
    }

    private void hold() {
        List<String> seats = pickSeats();
        String key = newKey();
        HoldSeatsRequest request = HoldSeatsRequest.newBuilder().setShowId(showId).addAllSeatIds(seats)
                .setIdempotencyKey(key).build();
        Result<Hold> result = write((client, deadline) -> client.booking(token, deadline).holdSeats(request));
        ClientOperation recorded = record(Type.HOLD_SEATS, seats, "", "", key, result,
                result.value() == null ? "" : result.value().getId(), "",
                result.value() == null ? 0 : result.value().getExpiresAtMillis(), List.of());
        if (recorded.isOk()) {
            holds.add(new MyHold(recorded.holdId(), seats, recorded.expiresAtMillis()));
        }
    }

    private void book() {
        List<String> seats = pickSeats();
        String key = newKey();
        BookSeatsRequest request = BookSeatsRequest.newBuilder().setShowId(showId).addAllSeatIds(seats)
                .setPayment(GOOD_CARD).setIdempotencyKey(key).build();
        Result<Booking> result = write((client, deadline) -> client.booking(token, deadline).bookSeats(request));
        Booking booking = result.value();
        ClientOperation recorded = record(Type.BOOK_SEATS, seats, "", "", key, result,
                booking == null ? "" : booking.getHoldId(), booking == null ? "" : booking.getId(), 0, List.of());
        if (recorded.isOk()) {
            bookings.add(new MyBooking(recorded.bookingId(), seats));
        }
    }

    private void confirm(MyHold hold) {
        String key = newKey();
        ConfirmHoldRequest request = ConfirmHoldRequest.newBuilder().setHoldId(hold.holdId()).setPayment(GOOD_CARD)
                .setIdempotencyKey(key).build();
        Result<Booking> result = write((client, deadline) -> client.booking(token, deadline).confirmHold(request));
        Booking booking = result.value();
        ClientOperation recorded = record(Type.CONFIRM_HOLD, hold.seatIds(), hold.holdId(), "", key, result,
                hold.holdId(), booking == null ? "" : booking.getId(), 0, List.of());
        if (recorded.isOk()) {
            bookings.add(new MyBooking(recorded.bookingId(), hold.seatIds()));
        }
    }

    private void release(MyHold hold) {
        String key = newKey();
        ReleaseHoldRequest request = ReleaseHoldRequest.newBuilder().setHoldId(hold.holdId()).setIdempotencyKey(key)
                .build();
        Result<Hold> result = write((client, deadline) -> client.booking(token, deadline).releaseHold(request));
        record(Type.RELEASE_HOLD, hold.seatIds(), hold.holdId(), "", key, result, hold.holdId(), "", 0, List.of());
    }

    private void cancel(MyBooking booking) {
        String key = newKey();
        CancelBookingRequest request = CancelBookingRequest.newBuilder().setBookingId(booking.bookingId())
                .setReason("chaos").setIdempotencyKey(key).build();
        Result<Booking> result = write((client, deadline) -> client.booking(token, deadline).cancelBooking(request));
        record(Type.CANCEL_BOOKING, booking.seatIds(), "", booking.bookingId(), key, result, "", booking.bookingId(), 0,
                List.of());
    }

    private void readSeatMap() {
        GetSeatMapRequest request = GetSeatMapRequest.newBuilder().setShowId(showId)
                .setConsistency(ReadConsistency.READ_CONSISTENCY_LINEARIZABLE).build();
        long invokeNanos = recorder.nowNanos();
        long invokeWall = System.currentTimeMillis();
        int slot = preferredSlot;
        Result<SeatMap> result;
        try {
            SeatMap map = cluster.client(slot).catalog(token, limits.attemptDeadlineMillis()).getSeatMap(request);
            result = new Result<>(Outcome.OK, map, null, List.of(), slot, 1, invokeNanos, invokeWall);
        } catch (StatusRuntimeException e) {
            switchNode();
            result = new Result<>(Outcome.FAIL, null, e, List.of(), slot, 1, invokeNanos, invokeWall);
        }
        List<ObservedSeat> observed = result.value() == null ? List.of() : observe(result.value());
        record(Type.READ_SEAT_MAP, List.of(), "", "", "", result, "", "", 0, observed);
    }

    static List<ObservedSeat> observe(SeatMap map) {
        List<ObservedSeat> observed = new ArrayList<>();
        for (SeatRow row : map.getRowsList()) {
            for (Seat seat : row.getSeatsList()) {
                SeatStatus status = switch (seat.getState()) {
                    case SEAT_STATE_FREE -> SeatStatus.FREE;
                    case SEAT_STATE_HELD -> SeatStatus.HELD;
                    case SEAT_STATE_BOOKED -> SeatStatus.BOOKED;
                    default -> null;
                };
                if (status != null) {
                    observed.add(new ObservedSeat(seat.getId(), status, seat.getMine()));
                }
            }
        }
        return observed;
    }

    // ---------------------------------------------------------------- attempts

    @FunctionalInterface
    interface Call<T> {
        T call(NodeClient client, long deadlineMillis);
    }

    /** The final answer of an operation after its attempts. */
    record Result<T>(Outcome outcome, T value, StatusRuntimeException failure, List<String> takenSeats, int slot,
                     int attempts, long invokeNanos, long invokeWallMillis) {
    }

    private <T> Result<T> write(Call<T> call) {
        long invokeNanos = recorder.nowNanos();
        long invokeWall = System.currentTimeMillis();
        boolean ambiguous = false;
        StatusRuntimeException last = null;
        int attempt = 0;
        int slot = preferredSlot;
        while (attempt < limits.attemptsMax()) {
            attempt++;
            slot = preferredSlot;
            try {
                T value = call.call(cluster.client(slot), limits.attemptDeadlineMillis());
                return new Result<>(Outcome.OK, value, null, List.of(), slot, attempt, invokeNanos, invokeWall);
            } catch (StatusRuntimeException e) {
                last = e;
                Status.Code code = e.getStatus().getCode();
                if (VERDICTS.contains(code)) {
                    return new Result<>(Outcome.FAIL, null, e, takenSeats(e), slot, attempt, invokeNanos, invokeWall);
                }
                if (!AMBIGUOUS.contains(code) && code != Status.Code.RESOURCE_EXHAUSTED) {
                    // Refused before anything was proposed (bad argument, not allowed).
                    return new Result<>(ambiguous ? Outcome.UNKNOWN : Outcome.FAIL, null, e, List.of(), slot, attempt,
                            invokeNanos, invokeWall);
                }
                ambiguous |= AMBIGUOUS.contains(code);
                switchNode();
                if (stop.get() && attempt >= 2) {
                    break;
                }
                LocalCluster.sleep(50L + random.nextLong(150));
            }
        }
        return new Result<>(ambiguous ? Outcome.UNKNOWN : Outcome.FAIL, null, last, List.of(), slot, attempt,
                invokeNanos, invokeWall);
    }

    private void switchNode() {
        List<Integer> slots = cluster.slots();
        if (slots.size() > 1) {
            int next;
            do {
                next = slots.get(random.nextInt(slots.size()));
            } while (next == preferredSlot);
            preferredSlot = next;
        }
    }

    private static List<String> takenSeats(StatusRuntimeException e) {
        Metadata trailers = e.getTrailers();
        String taken = trailers == null ? null : trailers.get(TAKEN_SEATS);
        return taken == null || taken.isBlank() ? List.of() : Arrays.stream(taken.split(",")).map(String::strip).toList();
    }

    private ClientOperation record(Type type, List<String> seats, String holdIdIn, String bookingIdIn, String key,
                                   Result<?> result, String holdId, String bookingId, long expiresAtMillis,
                                   List<ObservedSeat> observed) {
        long returnNanos = recorder.nowNanos();
        long returnWall = System.currentTimeMillis();
        String code = result.failure() == null ? "" : result.failure().getStatus().getCode().name();
        String message = result.failure() == null ? ""
                : String.valueOf(result.failure().getStatus().getDescription());
        String node = cluster.node(result.slot()) == null ? "" : cluster.node(result.slot()).nodeId();
        return recorder.record(index -> new ClientOperation(index, process, userId, type, showId, seats,
                holdId.isEmpty() ? holdIdIn : holdId, bookingId.isEmpty() ? bookingIdIn : bookingId, key,
                result.outcome(), code, message, result.takenSeats(), expiresAtMillis, observed,
                result.invokeNanos(), returnNanos, result.invokeWallMillis(), returnWall, node, result.attempts()));
    }
}
