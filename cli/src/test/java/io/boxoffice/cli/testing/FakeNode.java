package io.boxoffice.cli.testing;

import io.boxoffice.cli.client.RetryPolicy;
import io.boxoffice.proto.v1.AskChunk;
import io.boxoffice.proto.v1.AskRequest;
import io.boxoffice.proto.v1.AssistantServiceGrpc;
import io.boxoffice.proto.v1.AuthServiceGrpc;
import io.boxoffice.proto.v1.Booking;
import io.boxoffice.proto.v1.BookingServiceGrpc;
import io.boxoffice.proto.v1.BookingStatus;
import io.boxoffice.proto.v1.CancelBookingRequest;
import io.boxoffice.proto.v1.CatalogServiceGrpc;
import io.boxoffice.proto.v1.ConfirmHoldRequest;
import io.boxoffice.proto.v1.GetBookingRequest;
import io.boxoffice.proto.v1.GetSeatMapRequest;
import io.boxoffice.proto.v1.Hold;
import io.boxoffice.proto.v1.HoldSeatsRequest;
import io.boxoffice.proto.v1.HoldStatus;
import io.boxoffice.proto.v1.ListBookingsResponse;
import io.boxoffice.proto.v1.ListHoldsResponse;
import io.boxoffice.proto.v1.ListMoviesRequest;
import io.boxoffice.proto.v1.ListMoviesResponse;
import io.boxoffice.proto.v1.ListMyBookingsRequest;
import io.boxoffice.proto.v1.ListMyHoldsRequest;
import io.boxoffice.proto.v1.ListShowsRequest;
import io.boxoffice.proto.v1.ListShowsResponse;
import io.boxoffice.proto.v1.LoginRequest;
import io.boxoffice.proto.v1.LoginResponse;
import io.boxoffice.proto.v1.Money;
import io.boxoffice.proto.v1.Movie;
import io.boxoffice.proto.v1.Seat;
import io.boxoffice.proto.v1.SeatLine;
import io.boxoffice.proto.v1.SeatMap;
import io.boxoffice.proto.v1.SeatRow;
import io.boxoffice.proto.v1.SeatState;
import io.boxoffice.proto.v1.Show;
import io.boxoffice.proto.v1.ShowStatus;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Map;

/** A tiny booking node: one movie, one show of 2 rows x 5 seats; seat A1 is always booked by someone else. */
public final class FakeNode {

    public static final long NOW = Instant.parse("2030-05-01T10:00:00Z").toEpochMilli();
    public static final long SHOW_START = NOW + 86_400_000L;
    /** This fake cluster's refund policy: full refunds end 90 minutes before the show (not the default 2 h). */
    public static final long FULL_REFUND_WINDOW_MILLIS = 90 * 60_000L;

    public final Map<String, Hold> holds = new ConcurrentHashMap<>();
    public final Map<String, Booking> bookings = new ConcurrentHashMap<>();
    public final List<String> cards = new ArrayList<>();
    /** What the assistant answers; null = the assistant service is unreachable. */
    public volatile List<AskChunk> assistantAnswer;
    /** Cancellations and holds really applied (a retry with a known idempotency key applies nothing). */
    public final java.util.concurrent.atomic.AtomicInteger cancelsApplied = new java.util.concurrent.atomic.AtomicInteger();
    public final java.util.concurrent.atomic.AtomicInteger holdsApplied = new java.util.concurrent.atomic.AtomicInteger();
    /** The idempotency key of every CancelBooking call received, retries included. */
    public final List<String> cancelKeys = java.util.Collections.synchronizedList(new ArrayList<>());
    /** How many of the next cancellations are applied and then answered UNAVAILABLE, like a leader that died after committing. */
    public final java.util.concurrent.atomic.AtomicInteger cancelsToLoseAnswerOf = new java.util.concurrent.atomic.AtomicInteger();
    /** Results by idempotency key, as a booking node remembers them. */
    private final Map<String, Object> remembered = new ConcurrentHashMap<>();

    SeatMap seatMap() {
        SeatMap.Builder map = SeatMap.newBuilder().setShowId("shw_1");
        Set<String> taken = new java.util.HashSet<>(Set.of("A1"));
        holds.values().stream().filter(h -> h.getStatus() == HoldStatus.HOLD_STATUS_ACTIVE)
                .forEach(h -> h.getSeatsList().forEach(s -> taken.add(s.getSeatId())));
        bookings.values().stream().filter(b -> b.getStatus() == BookingStatus.BOOKING_STATUS_CONFIRMED)
                .forEach(b -> b.getSeatsList().forEach(s -> taken.add(s.getSeatId())));
        for (String row : List.of("A", "B")) {
            SeatRow.Builder seats = SeatRow.newBuilder().setRow(row);
            for (int n = 1; n <= 5; n++) {
                String id = row + n;
                seats.addSeats(Seat.newBuilder().setId(id).setNumber(n).setCategory("standard")
                        .setState(taken.contains(id) ? SeatState.SEAT_STATE_BOOKED : SeatState.SEAT_STATE_FREE));
            }
            map.addRows(seats);
        }
        return map.build();
    }

    public List<io.grpc.BindableService> services() {
        Show show = Show.newBuilder().setId("shw_1").setMovieId("mov_1").setMovieTitle("Split Brain")
                .setScreenName("Screen 1").setStartsAtMillis(SHOW_START).setStatus(ShowStatus.SHOW_STATUS_SCHEDULED)
                .setSeatsTotal(10).setSeatsFree(9).build();
        Money price = Money.newBuilder().setAmountMinor(1200).setCurrency("EUR").build();
        return List.of(new AuthServiceGrpc.AuthServiceImplBase() {
            @Override
            public void login(LoginRequest request, StreamObserver<LoginResponse> observer) {
                if (!request.getPassword().equals("password1")) {
                    observer.onError(Status.UNAUTHENTICATED.withDescription("wrong user name or password")
                            .asRuntimeException());
                    return;
                }
                observer.onNext(LoginResponse.newBuilder().setToken("token").setUsername(request.getUsername())
                        .setUserId("usr_1").addRoles("user").setExpiresAtMillis(NOW + 3_600_000).build());
                observer.onCompleted();
            }
        }, new CatalogServiceGrpc.CatalogServiceImplBase() {
            @Override
            public void listMovies(ListMoviesRequest request, StreamObserver<ListMoviesResponse> observer) {
                observer.onNext(ListMoviesResponse.newBuilder().addMovies(Movie.newBuilder().setId("mov_1")
                        .setTitle("Split Brain").setDurationMinutes(125)).build());
                observer.onCompleted();
            }

            @Override
            public void listShows(ListShowsRequest request, StreamObserver<ListShowsResponse> observer) {
                observer.onNext(ListShowsResponse.newBuilder().addShows(show).build());
                observer.onCompleted();
            }

            @Override
            public void getSeatMap(GetSeatMapRequest request, StreamObserver<SeatMap> observer) {
                observer.onNext(seatMap());
                observer.onCompleted();
            }
        }, new BookingServiceGrpc.BookingServiceImplBase() {
            @Override
            public void holdSeats(HoldSeatsRequest request, StreamObserver<Hold> observer) {
                if (!request.getIdempotencyKey().isEmpty() && remembered.get(request.getIdempotencyKey()) instanceof Hold first) {
                    observer.onNext(first);
                    observer.onCompleted();
                    return;
                }
                List<String> seats = request.getSeatIdsCount() > 0 ? request.getSeatIdsList() : List.of("B2", "B3");
                Set<String> free = new java.util.HashSet<>();
                seatMap().getRowsList().forEach(r -> r.getSeatsList().stream()
                        .filter(s -> s.getState() == SeatState.SEAT_STATE_FREE).forEach(s -> free.add(s.getId())));
                List<String> taken = seats.stream().filter(s -> !free.contains(s)).toList();
                if (!taken.isEmpty()) {
                    Metadata trailers = new Metadata();
                    trailers.put(RetryPolicy.TAKEN_SEATS, String.join(",", taken));
                    observer.onError(Status.FAILED_PRECONDITION.withDescription("seats not available; nothing was held")
                            .asRuntimeException(trailers));
                    return;
                }
                Hold.Builder hold = Hold.newBuilder().setId("hld_" + (holds.size() + 1)).setShowId("shw_1")
                        .setStatus(HoldStatus.HOLD_STATUS_ACTIVE).setExpiresAtMillis(NOW + 600_000)
                        .setAmount(Money.newBuilder().setAmountMinor(1200L * seats.size()).setCurrency("EUR"));
                seats.forEach(s -> hold.addSeats(SeatLine.newBuilder().setSeatId(s).setCategory("standard").setPrice(price)));
                holds.put(hold.getId(), hold.build());
                holdsApplied.incrementAndGet();
                if (!request.getIdempotencyKey().isEmpty()) {
                    remembered.put(request.getIdempotencyKey(), hold.build());
                }
                observer.onNext(hold.build());
                observer.onCompleted();
            }

            @Override
            public void bookSeats(io.boxoffice.proto.v1.BookSeatsRequest request, StreamObserver<Booking> observer) {
                HoldSeatsRequest hold = HoldSeatsRequest.newBuilder().setShowId(request.getShowId())
                        .addAllSeatIds(request.getSeatIdsList()).build();
                holdSeats(hold, new StreamObserver<>() {
                    @Override
                    public void onNext(Hold held) {
                        confirmHold(ConfirmHoldRequest.newBuilder().setHoldId(held.getId())
                                .setPayment(request.getPayment()).build(), observer);
                    }

                    @Override
                    public void onError(Throwable failure) {
                        observer.onError(failure);
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
            }

            @Override
            public void confirmHold(ConfirmHoldRequest request, StreamObserver<Booking> observer) {
                cards.add(request.getPayment().getCardNumber());
                if (request.getPayment().getCardNumber().equals("4000000000000002")) {
                    observer.onError(Status.FAILED_PRECONDITION.withDescription("payment declined (card_declined)")
                            .asRuntimeException());
                    return;
                }
                Hold hold = holds.get(request.getHoldId());
                holds.put(hold.getId(), hold.toBuilder().setStatus(HoldStatus.HOLD_STATUS_CONFIRMED).build());
                Booking booking = Booking.newBuilder().setId("bkg_" + (bookings.size() + 1)).setShowId("shw_1")
                        .addAllSeats(hold.getSeatsList()).setAmount(hold.getAmount()).setMovieTitle("Split Brain")
                        .setShowStartsAtMillis(SHOW_START).setFullRefundUntilMillis(SHOW_START - FULL_REFUND_WINDOW_MILLIS)
                        .setStatus(BookingStatus.BOOKING_STATUS_CONFIRMED).build();
                bookings.put(booking.getId(), booking);
                observer.onNext(booking);
                observer.onCompleted();
            }

            @Override
            public void releaseHold(io.boxoffice.proto.v1.ReleaseHoldRequest request, StreamObserver<Hold> observer) {
                Hold released = holds.get(request.getHoldId()).toBuilder().setStatus(HoldStatus.HOLD_STATUS_RELEASED)
                        .build();
                holds.put(released.getId(), released);
                observer.onNext(released);
                observer.onCompleted();
            }

            @Override
            public void listMyHolds(ListMyHoldsRequest request, StreamObserver<ListHoldsResponse> observer) {
                observer.onNext(ListHoldsResponse.newBuilder().addAllHolds(holds.values()).build());
                observer.onCompleted();
            }

            @Override
            public void listMyBookings(ListMyBookingsRequest request, StreamObserver<ListBookingsResponse> observer) {
                observer.onNext(ListBookingsResponse.newBuilder().addAllBookings(bookings.values()).build());
                observer.onCompleted();
            }

            @Override
            public void getBooking(GetBookingRequest request, StreamObserver<Booking> observer) {
                observer.onNext(bookings.get(request.getBookingId()));
                observer.onCompleted();
            }

            @Override
            public void cancelBooking(CancelBookingRequest request, StreamObserver<Booking> observer) {
                cancelKeys.add(request.getIdempotencyKey());
                if (!request.getIdempotencyKey().isEmpty() && remembered.get(request.getIdempotencyKey()) instanceof Booking first) {
                    observer.onNext(first);
                    observer.onCompleted();
                    return;
                }
                Booking booking = bookings.get(request.getBookingId());
                if (booking.getStatus() != BookingStatus.BOOKING_STATUS_CONFIRMED) {
                    observer.onError(Status.FAILED_PRECONDITION.withDescription("booking " + booking.getId()
                            + " is already cancelled").asRuntimeException());
                    return;
                }
                Booking cancelled = booking.toBuilder().setStatus(BookingStatus.BOOKING_STATUS_CANCELLED)
                        .setStatusReason(request.getReason()).setRefunded(booking.getAmount()).build();
                bookings.put(cancelled.getId(), cancelled);
                cancelsApplied.incrementAndGet();
                if (!request.getIdempotencyKey().isEmpty()) {
                    remembered.put(request.getIdempotencyKey(), cancelled);
                }
                if (cancelsToLoseAnswerOf.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    observer.onError(Status.UNAVAILABLE.withDescription("leader changed").asRuntimeException());
                    return;
                }
                observer.onNext(cancelled);
                observer.onCompleted();
            }
        }, new AssistantServiceGrpc.AssistantServiceImplBase() {
            @Override
            public void ask(AskRequest request, StreamObserver<AskChunk> observer) {
                List<AskChunk> answer = assistantAnswer;
                if (answer != null) {
                    answer.forEach(observer::onNext);
                    observer.onCompleted();
                    return;
                }
                observer.onError(Status.UNAVAILABLE.withDescription("the assistant service at 127.0.0.1:8190 is "
                        + "unreachable").asRuntimeException());
            }
        });
    }
}
