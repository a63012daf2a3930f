package io.boxoffice.cli.bench;

import io.boxoffice.cli.client.ClusterClient;
import io.boxoffice.cli.client.Endpoint;
import io.boxoffice.cli.client.RetryPolicy;
import io.boxoffice.proto.v1.AdminServiceGrpc;
import io.boxoffice.proto.v1.AuthServiceGrpc;
import io.boxoffice.proto.v1.BookSeatsRequest;
import io.boxoffice.proto.v1.Booking;
import io.boxoffice.proto.v1.BookingServiceGrpc;
import io.boxoffice.proto.v1.BookingStatus;
import io.boxoffice.proto.v1.CancelBookingRequest;
import io.boxoffice.proto.v1.CatalogServiceGrpc;
import io.boxoffice.proto.v1.ConfirmHoldRequest;
import io.boxoffice.proto.v1.CreateMovieRequest;
import io.boxoffice.proto.v1.CreateScreenRequest;
import io.boxoffice.proto.v1.CreateShowRequest;
import io.boxoffice.proto.v1.CreateUserRequest;
import io.boxoffice.proto.v1.GetSeatMapRequest;
import io.boxoffice.proto.v1.Hold;
import io.boxoffice.proto.v1.HoldSeatsRequest;
import io.boxoffice.proto.v1.HoldStatus;
import io.boxoffice.proto.v1.ListMoviesRequest;
import io.boxoffice.proto.v1.ListMoviesResponse;
import io.boxoffice.proto.v1.ListScreensRequest;
import io.boxoffice.proto.v1.ListScreensResponse;
import io.boxoffice.proto.v1.ListShowsRequest;
import io.boxoffice.proto.v1.ListShowsResponse;
import io.boxoffice.proto.v1.LoginRequest;
import io.boxoffice.proto.v1.LoginResponse;
import io.boxoffice.proto.v1.Movie;
import io.boxoffice.proto.v1.Screen;
import io.boxoffice.proto.v1.Seat;
import io.boxoffice.proto.v1.SeatMap;
import io.boxoffice.proto.v1.SeatRow;
import io.boxoffice.proto.v1.SeatState;
import io.boxoffice.proto.v1.Show;
import io.boxoffice.proto.v1.ShowStatus;
import io.boxoffice.proto.v1.User;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * An in-process booking "cluster" with the rules the load generator depends on: admins create movies, screens
 * and non-overlapping future shows (idempotent by key); shows are listed at most {@link #SHOWS_LISTED_MAX} per
 * call from a start time; a seat is taken once; a user may have {@link #activeHoldsPerUserMax} active holds,
 * and a hold stays active until {@link #expiryLagMillis} after its expiry (the leader's sweep). Every handler
 * holds the fake's lock, so the state is consistent under the bench's concurrent clients.
 */
final class BenchFakeCluster implements AutoCloseable {

    static final int SHOWS_LISTED_MAX = 1000;
    static final long TOKEN_LIFETIME_MILLIS = 3_600_000L;
    private static final Context.Key<String> USER = Context.key("user");
    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization",
            Metadata.ASCII_STRING_MARSHALLER);

    record HoldState(Hold hold, String username) {
    }

    final Map<String, String> passwords = new HashMap<>(Map.of("admin", "admin123"));
    final Map<String, Movie> movies = new LinkedHashMap<>();
    final Map<String, Screen> screens = new LinkedHashMap<>();
    final Map<String, Show> shows = new LinkedHashMap<>();
    final Map<String, Object> resultsByKey = new HashMap<>();
    /** Show id -> seat id -> the hold or booking id that has it. */
    final Map<String, Map<String, String>> occupied = new HashMap<>();
    final Map<String, HoldState> holds = new HashMap<>();
    final Map<String, Booking> bookings = new HashMap<>();
    final AtomicInteger logins = new AtomicInteger();
    final AtomicInteger showCreations = new AtomicInteger();
    final AtomicInteger holdsRefusedForTheLimit = new AtomicInteger();
    final AtomicInteger holdsExpired = new AtomicInteger();
    final AtomicInteger seatMapReads = new AtomicInteger();
    final AtomicInteger bookCalls = new AtomicInteger();
    private final AtomicInteger ids = new AtomicInteger();
    private final Supplier<Long> clockMillis;
    private final Server server;
    private final String name = "bench-fake-" + System.nanoTime();

    volatile int activeHoldsPerUserMax = 5;
    volatile long holdLifetimeMillis = 600_000L;
    volatile long expiryLagMillis = 0;
    /** Every n-th BookSeats call fails with INTERNAL when positive. */
    volatile int failEveryNthBook = 0;

    BenchFakeCluster(Supplier<Long> clockMillis) throws Exception {
        this.clockMillis = clockMillis;
        ServerInterceptor authentication = new ServerInterceptor() {
            @Override
            public <Q, R> io.grpc.ServerCall.Listener<Q> interceptCall(io.grpc.ServerCall<Q, R> call, Metadata headers,
                                                                       io.grpc.ServerCallHandler<Q, R> next) {
                String authorization = headers.get(AUTHORIZATION);
                // Tokens are "tok:<user>:<n>".
                String user = authorization == null ? "" : authorization.replaceFirst("^Bearer tok:", "")
                        .replaceFirst(":\\d+$", "");
                return Contexts.interceptCall(Context.current().withValue(USER, user), call, headers, next);
            }
        };
        InProcessServerBuilder builder = InProcessServerBuilder.forName(name).executor(
                java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        for (io.grpc.BindableService service : List.of(new Auth(), new Catalog(), new Admin(), new Bookings())) {
            builder.addService(ServerInterceptors.intercept(service, authentication));
        }
        server = builder.build().start();
    }

    /** The in-process server's name, for channels of a client built elsewhere. */
    String name() {
        return name;
    }

    ClusterClient client() {
        return new ClusterClient(List.of(new Endpoint(Optional.of("n1"), "127.0.0.1", 9101)),
                RetryPolicy.DEFAULT.withAttemptsMax(1), endpoint -> InProcessChannelBuilder.forName(name).build(),
                millis -> { }, () -> 0.0);
    }

    @Override
    public void close() {
        server.shutdownNow();
    }

    synchronized int activeHoldsOf(String username) {
        sweep();
        return (int) holds.values().stream().filter(h -> h.username().equals(username)
                && h.hold().getStatus() == HoldStatus.HOLD_STATUS_ACTIVE).count();
    }

    synchronized List<Show> showsOfScreen(String screenId) {
        return shows.values().stream().filter(s -> s.getScreenId().equals(screenId)).toList();
    }

    private String newId(String prefix) {
        return prefix + ids.incrementAndGet();
    }

    /** The leader's expiry sweep, run lazily: holds past their expiry plus the lag end and free their seats. */
    private void sweep() {
        long now = clockMillis.get();
        for (HoldState state : new ArrayList<>(holds.values())) {
            Hold hold = state.hold();
            if (hold.getStatus() == HoldStatus.HOLD_STATUS_ACTIVE && now >= hold.getExpiresAtMillis() + expiryLagMillis) {
                holds.put(hold.getId(), new HoldState(hold.toBuilder().setStatus(HoldStatus.HOLD_STATUS_EXPIRED).build(),
                        state.username()));
                occupied.get(hold.getShowId()).values().removeIf(hold.getId()::equals);
                holdsExpired.incrementAndGet();
            }
        }
    }

    private static <T> void answer(StreamObserver<T> observer, Supplier<T> result) {
        T value;
        try {
            value = result.get();
        } catch (StatusRuntimeException e) {
            observer.onError(e);
            return;
        }
        observer.onNext(value);
        observer.onCompleted();
    }

    @SuppressWarnings("unchecked")
    private <T> T once(String key, Supplier<T> apply) {
        if (!key.isEmpty() && resultsByKey.containsKey(key)) {
            return (T) resultsByKey.get(key);
        }
        T result = apply.get();
        if (!key.isEmpty()) {
            resultsByKey.put(key, result);
        }
        return result;
    }

    private static StatusRuntimeException failure(Status status, String message) {
        return status.withDescription(message).asRuntimeException();
    }

    private String requireUser() {
        String user = USER.get();
        if (user == null || !passwords.containsKey(user)) {
            throw failure(Status.UNAUTHENTICATED, "log in first");
        }
        return user;
    }

    private void requireAdmin() {
        if (!requireUser().equals("admin")) {
            throw failure(Status.PERMISSION_DENIED, "admins only");
        }
    }

    /** Takes the seats for {@code occupantId} or fails naming the taken ones; nothing changes on failure. */
    private void occupy(String showId, List<String> seatIds, String occupantId) {
        sweep();
        if (!shows.containsKey(showId)) {
            throw failure(Status.NOT_FOUND, "no show " + showId);
        }
        Map<String, String> seats = occupied.computeIfAbsent(showId, id -> new HashMap<>());
        List<String> taken = seatIds.stream().filter(seats::containsKey).toList();
        if (!taken.isEmpty()) {
            throw failure(Status.FAILED_PRECONDITION, "seats " + taken + " are taken");
        }
        seatIds.forEach(seat -> seats.put(seat, occupantId));
    }

    private Booking newBooking(String username, String showId, List<String> seatIds, String holdId) {
        String id = newId("bkg_");
        Booking booking = Booking.newBuilder().setId(id).setUserId(username).setShowId(showId).setHoldId(holdId)
                .setStatus(BookingStatus.BOOKING_STATUS_CONFIRMED).build();
        Map<String, String> seats = occupied.get(showId);
        seatIds.forEach(seat -> seats.put(seat, id));
        bookings.put(id, booking);
        return booking;
    }

    private final class Auth extends AuthServiceGrpc.AuthServiceImplBase {
        @Override
        public void login(LoginRequest request, StreamObserver<LoginResponse> observer) {
            answer(observer, () -> {
                synchronized (BenchFakeCluster.this) {
                    if (!request.getPassword().equals(passwords.get(request.getUsername()))) {
                        throw failure(Status.UNAUTHENTICATED, "wrong user name or password");
                    }
                    return LoginResponse.newBuilder().setToken("tok:" + request.getUsername() + ":" + logins.incrementAndGet())
                            .setUsername(request.getUsername()).setUserId("usr_" + request.getUsername())
                            .addRoles("user").addAllRoles(request.getUsername().equals("admin") ? List.of("admin") : List.of())
                            .setExpiresAtMillis(clockMillis.get() + TOKEN_LIFETIME_MILLIS).build();
                }
            });
        }
    }

    private final class Catalog extends CatalogServiceGrpc.CatalogServiceImplBase {
        @Override
        public void listMovies(ListMoviesRequest request, StreamObserver<ListMoviesResponse> observer) {
            answer(observer, () -> {
                synchronized (BenchFakeCluster.this) {
                    return ListMoviesResponse.newBuilder().addAllMovies(movies.values()).build();
                }
            });
        }

        @Override
        public void listScreens(ListScreensRequest request, StreamObserver<ListScreensResponse> observer) {
            answer(observer, () -> {
                synchronized (BenchFakeCluster.this) {
                    return ListScreensResponse.newBuilder().addAllScreens(screens.values()).build();
                }
            });
        }

        @Override
        public void listShows(ListShowsRequest request, StreamObserver<ListShowsResponse> observer) {
            answer(observer, () -> {
                synchronized (BenchFakeCluster.this) {
                    List<Show> listed = shows.values().stream()
                            .filter(s -> !request.hasMovieId() || s.getMovieId().equals(request.getMovieId()))
                            .filter(s -> !request.hasStartsAfterMillis() || s.getStartsAtMillis() >= request.getStartsAfterMillis())
                            .sorted(Comparator.comparingLong(Show::getStartsAtMillis).thenComparing(Show::getId))
                            .limit(SHOWS_LISTED_MAX).toList();
                    return ListShowsResponse.newBuilder().addAllShows(listed).build();
                }
            });
        }

        @Override
        public void getSeatMap(GetSeatMapRequest request, StreamObserver<SeatMap> observer) {
            answer(observer, () -> {
                synchronized (BenchFakeCluster.this) {
                    sweep();
                    seatMapReads.incrementAndGet();
                    Show show = shows.get(request.getShowId());
                    if (show == null) {
                        throw failure(Status.NOT_FOUND, "no show");
                    }
                    Screen screen = screens.get(show.getScreenId());
                    Map<String, String> taken = occupied.getOrDefault(show.getId(), Map.of());
                    SeatMap.Builder map = SeatMap.newBuilder().setShowId(show.getId());
                    for (int row = 0; row < screen.getLayout().getRowCount(); row++) {
                        SeatRow.Builder seats = SeatRow.newBuilder().setRow(String.valueOf((char) ('A' + row)));
                        for (int n = 1; n <= screen.getLayout().getSeatsPerRow(); n++) {
                            String id = (char) ('A' + row) + Integer.toString(n);
                            seats.addSeats(Seat.newBuilder().setId(id).setNumber(n).setState(taken.containsKey(id)
                                    ? SeatState.SEAT_STATE_BOOKED : SeatState.SEAT_STATE_FREE));
                        }
                        map.addRows(seats);
                    }
                    return map.build();
                }
            });
        }
    }

    private final class Admin extends AdminServiceGrpc.AdminServiceImplBase {
        @Override
        public void createUser(CreateUserRequest request, StreamObserver<User> observer) {
            answer(observer, () -> {
                synchronized (BenchFakeCluster.this) {
                    requireAdmin();
                    return once(request.getIdempotencyKey(), () -> {
                        if (passwords.containsKey(request.getUsername())) {
                            throw failure(Status.ALREADY_EXISTS, "user exists");
                        }
                        passwords.put(request.getUsername(), request.getPassword());
                        return User.newBuilder().setId("usr_" + request.getUsername()).setUsername(request.getUsername())
                                .build();
                    });
                }
            });
        }

        @Override
        public void createMovie(CreateMovieRequest request, StreamObserver<Movie> observer) {
            answer(observer, () -> {
                synchronized (BenchFakeCluster.this) {
                    requireAdmin();
                    return once(request.getIdempotencyKey(), () -> {
                        Movie movie = Movie.newBuilder().setId(newId("mov_")).setTitle(request.getTitle())
                                .setDurationMinutes(request.getDurationMinutes()).build();
                        movies.put(movie.getId(), movie);
                        return movie;
                    });
                }
            });
        }

        @Override
        public void createScreen(CreateScreenRequest request, StreamObserver<Screen> observer) {
            answer(observer, () -> {
                synchronized (BenchFakeCluster.this) {
                    requireAdmin();
                    return once(request.getIdempotencyKey(), () -> {
                        Screen screen = Screen.newBuilder().setId(newId("scr_")).setName(request.getName())
                                .setLayout(request.getLayout()).build();
                        screens.put(screen.getId(), screen);
                        return screen;
                    });
                }
            });
        }

        @Override
        public void createShow(CreateShowRequest request, StreamObserver<Show> observer) {
            answer(observer, () -> {
                synchronized (BenchFakeCluster.this) {
                    requireAdmin();
                    return once(request.getIdempotencyKey(), () -> {
                        Movie movie = movies.get(request.getMovieId());
                        if (movie == null || !screens.containsKey(request.getScreenId())) {
                            throw failure(Status.NOT_FOUND, "no such movie or screen");
                        }
                        if (request.getStartsAtMillis() <= clockMillis.get()) {
                            throw failure(Status.INVALID_ARGUMENT, "starts_at_millis must lie in the future");
                        }
                        long end = request.getStartsAtMillis() + movie.getDurationMinutes() * 60_000L;
                        for (Show other : showsOfScreen(request.getScreenId())) {
                            long otherEnd = other.getStartsAtMillis() + movies.get(other.getMovieId()).getDurationMinutes() * 60_000L;
                            if (request.getStartsAtMillis() < otherEnd && other.getStartsAtMillis() < end) {
                                throw failure(Status.FAILED_PRECONDITION, "screen busy with " + other.getId());
                            }
                        }
                        showCreations.incrementAndGet();
                        Show show = Show.newBuilder().setId(newId("shw_")).setMovieId(movie.getId())
                                .setScreenId(request.getScreenId()).setStartsAtMillis(request.getStartsAtMillis())
                                .setStatus(ShowStatus.SHOW_STATUS_SCHEDULED).build();
                        shows.put(show.getId(), show);
                        return show;
                    });
                }
            });
        }
    }

    private final class Bookings extends BookingServiceGrpc.BookingServiceImplBase {
        @Override
        public void bookSeats(BookSeatsRequest request, StreamObserver<Booking> observer) {
            answer(observer, () -> {
                synchronized (BenchFakeCluster.this) {
                    String user = requireUser();
                    int nth = bookCalls.incrementAndGet();
                    if (failEveryNthBook > 0 && nth % failEveryNthBook == 0) {
                        throw failure(Status.INTERNAL, "injected failure");
                    }
                    return once(request.getIdempotencyKey(), () -> {
                        String placeholder = newId("tmp_");
                        occupy(request.getShowId(), request.getSeatIdsList(), placeholder);
                        return newBooking(user, request.getShowId(), request.getSeatIdsList(), "");
                    });
                }
            });
        }

        @Override
        public void holdSeats(HoldSeatsRequest request, StreamObserver<Hold> observer) {
            answer(observer, () -> {
                synchronized (BenchFakeCluster.this) {
                    String user = requireUser();
                    return once(request.getIdempotencyKey(), () -> {
                        if (activeHoldsOf(user) >= activeHoldsPerUserMax) {
                            holdsRefusedForTheLimit.incrementAndGet();
                            throw failure(Status.RESOURCE_EXHAUSTED, "you already have " + activeHoldsPerUserMax
                                    + " active holds, the most allowed");
                        }
                        String id = newId("hld_");
                        occupy(request.getShowId(), request.getSeatIdsList(), id);
                        long now = clockMillis.get();
                        Hold.Builder hold = Hold.newBuilder().setId(id).setShowId(request.getShowId())
                                .setStatus(HoldStatus.HOLD_STATUS_ACTIVE).setCreatedAtMillis(now)
                                .setExpiresAtMillis(now + holdLifetimeMillis);
                        request.getSeatIdsList().forEach(seat -> hold.addSeats(
                                io.boxoffice.proto.v1.SeatLine.newBuilder().setSeatId(seat)));
                        holds.put(id, new HoldState(hold.build(), user));
                        return hold.build();
                    });
                }
            });
        }

        @Override
        public void confirmHold(ConfirmHoldRequest request, StreamObserver<Booking> observer) {
            answer(observer, () -> {
                synchronized (BenchFakeCluster.this) {
                    String user = requireUser();
                    return once(request.getIdempotencyKey(), () -> {
                        sweep();
                        HoldState state = holds.get(request.getHoldId());
                        if (state == null || !state.username().equals(user)) {
                            throw failure(Status.NOT_FOUND, "no hold");
                        }
                        if (state.hold().getStatus() != HoldStatus.HOLD_STATUS_ACTIVE) {
                            throw failure(Status.FAILED_PRECONDITION, "hold is " + state.hold().getStatus());
                        }
                        Hold hold = state.hold();
                        holds.put(hold.getId(), new HoldState(hold.toBuilder().setStatus(HoldStatus.HOLD_STATUS_CONFIRMED)
                                .build(), user));
                        List<String> seats = hold.getSeatsList().stream().map(line -> line.getSeatId()).toList();
                        return newBooking(user, hold.getShowId(), seats, hold.getId());
                    });
                }
            });
        }

        @Override
        public void cancelBooking(CancelBookingRequest request, StreamObserver<Booking> observer) {
            answer(observer, () -> {
                synchronized (BenchFakeCluster.this) {
                    String user = requireUser();
                    return once(request.getIdempotencyKey(), () -> {
                        Booking booking = bookings.get(request.getBookingId());
                        if (booking == null || !booking.getUserId().equals(user)) {
                            throw failure(Status.NOT_FOUND, "no booking " + request.getBookingId());
                        }
                        if (booking.getStatus() != BookingStatus.BOOKING_STATUS_CONFIRMED) {
                            throw failure(Status.FAILED_PRECONDITION, "booking is cancelled already");
                        }
                        occupied.get(booking.getShowId()).values().removeIf(booking.getId()::equals);
                        Booking cancelled = booking.toBuilder().setStatus(BookingStatus.BOOKING_STATUS_CANCELLED).build();
                        bookings.put(cancelled.getId(), cancelled);
                        return cancelled;
                    });
                }
            });
        }
    }

    /** Seats taken twice would be a bug of the fake; the bench tests use this to count booked seats per show. */
    synchronized Set<String> showsWithBookings() {
        Set<String> result = new HashSet<>();
        bookings.values().forEach(b -> result.add(b.getShowId()));
        return result;
    }
}
