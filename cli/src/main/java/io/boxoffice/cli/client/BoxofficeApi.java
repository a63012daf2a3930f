package io.boxoffice.cli.client;

import io.boxoffice.proto.v1.AddMemberRequest;
import io.boxoffice.proto.v1.AdminServiceGrpc;
import io.boxoffice.proto.v1.AskChunk;
import io.boxoffice.proto.v1.AskRequest;
import io.boxoffice.proto.v1.AssistantServiceGrpc;
import io.boxoffice.proto.v1.AuthServiceGrpc;
import io.boxoffice.proto.v1.BestAvailable;
import io.boxoffice.proto.v1.BookSeatsRequest;
import io.boxoffice.proto.v1.Booking;
import io.boxoffice.proto.v1.BookingServiceGrpc;
import io.boxoffice.proto.v1.CancelBookingRequest;
import io.boxoffice.proto.v1.CatalogServiceGrpc;
import io.boxoffice.proto.v1.ClusterServiceGrpc;
import io.boxoffice.proto.v1.ClusterStatus;
import io.boxoffice.proto.v1.ConfirmHoldRequest;
import io.boxoffice.proto.v1.CreateMovieRequest;
import io.boxoffice.proto.v1.CreateScreenRequest;
import io.boxoffice.proto.v1.CreateShowRequest;
import io.boxoffice.proto.v1.CreateUserRequest;
import io.boxoffice.proto.v1.ExtendHoldRequest;
import io.boxoffice.proto.v1.GetBookingRequest;
import io.boxoffice.proto.v1.GetClusterStatusRequest;
import io.boxoffice.proto.v1.GetSeatMapRequest;
import io.boxoffice.proto.v1.GetShowRequest;
import io.boxoffice.proto.v1.Hold;
import io.boxoffice.proto.v1.HoldSeatsRequest;
import io.boxoffice.proto.v1.ListAllBookingsRequest;
import io.boxoffice.proto.v1.ListBookingsResponse;
import io.boxoffice.proto.v1.ListMoviesRequest;
import io.boxoffice.proto.v1.ListMyBookingsRequest;
import io.boxoffice.proto.v1.ListMyHoldsRequest;
import io.boxoffice.proto.v1.ListScreensRequest;
import io.boxoffice.proto.v1.ListShowsRequest;
import io.boxoffice.proto.v1.LoginRequest;
import io.boxoffice.proto.v1.LoginResponse;
import io.boxoffice.proto.v1.Movie;
import io.boxoffice.proto.v1.PaymentDetails;
import io.boxoffice.proto.v1.RefundBookingRequest;
import io.boxoffice.proto.v1.ReleaseHoldRequest;
import io.boxoffice.proto.v1.RemoveMemberRequest;
import io.boxoffice.proto.v1.Screen;
import io.boxoffice.proto.v1.SeatMap;
import io.boxoffice.proto.v1.Show;
import io.boxoffice.proto.v1.TransferLeadershipRequest;
import io.boxoffice.proto.v1.TransferLeadershipResponse;
import io.boxoffice.proto.v1.UpdateMovieRequest;
import io.boxoffice.proto.v1.UpdateShowRequest;
import io.boxoffice.proto.v1.User;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The booking API as plain method calls over a {@link ClusterClient}. Every write takes an idempotency key
 * (a fresh one when the caller passes none) that is sent unchanged on every retry of that one operation.
 * Instances are cheap: each user of a shared client (a load-generator worker) gets its own, with its token.
 */
public final class BoxofficeApi {

    /** The assistant may think for a while; its stream gets a longer deadline than unary calls. */
    static final long ASK_TIMEOUT_MILLIS = 60_000;

    /** Pages fetched at most by {@link #myBookings()}: 20 pages of 500 bookings. */
    static final int BOOKING_PAGES_MAX = 20;

    private final ClusterClient client;
    private final Supplier<String> token;

    /** @param token the bearer token of every call but Login; throws {@link NotLoggedInException} when none */
    public BoxofficeApi(ClusterClient client, Supplier<String> token) {
        this.client = client;
        this.token = token;
    }

    public ClusterClient client() {
        return client;
    }

    // ------------------------------------------------------------------ auth

    public Session login(String username, String password) {
        LoginResponse response = client.call(null, channel -> AuthServiceGrpc.newBlockingStub(channel)
                .login(LoginRequest.newBuilder().setUsername(username).setPassword(password).build()));
        return new Session(response.getToken(), response.getUsername().isEmpty() ? username : response.getUsername(),
                response.getUserId(), response.getRolesList(), response.getExpiresAtMillis());
    }

    // ------------------------------------------------------------------ catalogue

    public List<Movie> movies() {
        return client.call(token.get(), channel -> CatalogServiceGrpc.newBlockingStub(channel)
                .listMovies(ListMoviesRequest.getDefaultInstance())).getMoviesList();
    }

    /** Shows in start-time order; of one movie when {@code movieId} is not blank. */
    public List<Show> shows(String movieId) {
        ListShowsRequest.Builder request = ListShowsRequest.newBuilder();
        if (movieId != null && !movieId.isBlank()) {
            request.setMovieId(movieId);
        }
        return client.call(token.get(), channel -> CatalogServiceGrpc.newBlockingStub(channel)
                .listShows(request.build())).getShowsList();
    }

    /**
     * Shows in start-time order that start at or after {@code startsAfterMillis}; of one movie when
     * {@code movieId} is not blank. A node lists at most 1,000 shows per call: page by asking again from the
     * last start time seen (shows starting at that time come again).
     */
    public List<Show> shows(String movieId, long startsAfterMillis) {
        ListShowsRequest.Builder request = ListShowsRequest.newBuilder().setStartsAfterMillis(startsAfterMillis);
        if (movieId != null && !movieId.isBlank()) {
            request.setMovieId(movieId);
        }
        return client.call(token.get(), channel -> CatalogServiceGrpc.newBlockingStub(channel)
                .listShows(request.build())).getShowsList();
    }

    public Show show(String showId) {
        return client.call(token.get(), channel -> CatalogServiceGrpc.newBlockingStub(channel)
                .getShow(GetShowRequest.newBuilder().setShowId(showId).build()));
    }

    public List<Screen> screens() {
        return client.call(token.get(), channel -> CatalogServiceGrpc.newBlockingStub(channel)
                .listScreens(ListScreensRequest.getDefaultInstance())).getScreensList();
    }

    public SeatMap seatMap(String showId) {
        return client.call(token.get(), channel -> CatalogServiceGrpc.newBlockingStub(channel)
                .getSeatMap(GetSeatMapRequest.newBuilder().setShowId(showId).build()));
    }

    // ------------------------------------------------------------------ holds and bookings

    /** Seats to take: explicit ids, or best-available N of a category. */
    public record SeatChoice(List<String> seatIds, int bestCount, String category) {

        public SeatChoice {
            seatIds = List.copyOf(seatIds);
            category = category == null ? "" : category;
        }

        public static SeatChoice seats(List<String> seatIds) {
            return new SeatChoice(seatIds, 0, "");
        }

        public static SeatChoice best(int count, String category) {
            return new SeatChoice(List.of(), count, category);
        }

        boolean isBest() {
            return seatIds.isEmpty();
        }

        BestAvailable bestAvailable() {
            return BestAvailable.newBuilder().setCount(bestCount).setCategory(category).build();
        }
    }

    public Hold hold(String showId, SeatChoice choice, String idempotencyKey) {
        HoldSeatsRequest.Builder request = HoldSeatsRequest.newBuilder().setShowId(showId)
                .setIdempotencyKey(IdempotencyKeys.orNew(idempotencyKey));
        if (choice.isBest()) {
            request.setBestAvailable(choice.bestAvailable());
        } else {
            request.addAllSeatIds(choice.seatIds());
        }
        HoldSeatsRequest built = request.build();
        return client.call(token.get(), channel -> BookingServiceGrpc.newBlockingStub(channel).holdSeats(built));
    }

    public Hold extendHold(String holdId, String idempotencyKey) {
        ExtendHoldRequest request = ExtendHoldRequest.newBuilder().setHoldId(holdId)
                .setIdempotencyKey(IdempotencyKeys.orNew(idempotencyKey)).build();
        return client.call(token.get(), channel -> BookingServiceGrpc.newBlockingStub(channel).extendHold(request));
    }

    public Hold releaseHold(String holdId, String idempotencyKey) {
        ReleaseHoldRequest request = ReleaseHoldRequest.newBuilder().setHoldId(holdId)
                .setIdempotencyKey(IdempotencyKeys.orNew(idempotencyKey)).build();
        return client.call(token.get(), channel -> BookingServiceGrpc.newBlockingStub(channel).releaseHold(request));
    }

    public Booking confirmHold(String holdId, PaymentDetails payment, String idempotencyKey) {
        ConfirmHoldRequest request = ConfirmHoldRequest.newBuilder().setHoldId(holdId).setPayment(payment)
                .setIdempotencyKey(IdempotencyKeys.orNew(idempotencyKey)).build();
        return client.call(token.get(), channel -> BookingServiceGrpc.newBlockingStub(channel).confirmHold(request));
    }

    public Booking book(String showId, SeatChoice choice, PaymentDetails payment, String idempotencyKey) {
        BookSeatsRequest.Builder request = BookSeatsRequest.newBuilder().setShowId(showId).setPayment(payment)
                .setIdempotencyKey(IdempotencyKeys.orNew(idempotencyKey));
        if (choice.isBest()) {
            request.setBestAvailable(choice.bestAvailable());
        } else {
            request.addAllSeatIds(choice.seatIds());
        }
        BookSeatsRequest built = request.build();
        return client.call(token.get(), channel -> BookingServiceGrpc.newBlockingStub(channel).bookSeats(built));
    }

    public List<Hold> myHolds() {
        return client.call(token.get(), channel -> BookingServiceGrpc.newBlockingStub(channel)
                .listMyHolds(ListMyHoldsRequest.getDefaultInstance())).getHoldsList();
    }

    /** All of the caller's bookings, newest first (bounded by {@link #BOOKING_PAGES_MAX} pages). */
    public List<Booking> myBookings() {
        List<Booking> bookings = new ArrayList<>();
        String pageToken = "";
        for (int page = 0; page < BOOKING_PAGES_MAX; page++) {
            ListMyBookingsRequest request = ListMyBookingsRequest.newBuilder().setPageSize(500)
                    .setPageToken(pageToken).build();
            ListBookingsResponse response = client.call(token.get(), channel -> BookingServiceGrpc
                    .newBlockingStub(channel).listMyBookings(request));
            bookings.addAll(response.getBookingsList());
            pageToken = response.getNextPageToken();
            if (pageToken.isEmpty()) {
                break;
            }
        }
        return bookings;
    }

    public Booking booking(String bookingId) {
        return client.call(token.get(), channel -> BookingServiceGrpc.newBlockingStub(channel)
                .getBooking(GetBookingRequest.newBuilder().setBookingId(bookingId).build()));
    }

    public Booking cancel(String bookingId, String reason, String idempotencyKey) {
        CancelBookingRequest request = CancelBookingRequest.newBuilder().setBookingId(bookingId)
                .setReason(reason == null ? "" : reason).setIdempotencyKey(IdempotencyKeys.orNew(idempotencyKey))
                .build();
        return client.call(token.get(), channel -> BookingServiceGrpc.newBlockingStub(channel).cancelBooking(request));
    }

    // ------------------------------------------------------------------ assistant

    public void ask(AskRequest request, Consumer<AskChunk> each) {
        client.stream(token.get(), ASK_TIMEOUT_MILLIS,
                channel -> AssistantServiceGrpc.newBlockingStub(channel).ask(request), each);
    }

    // ------------------------------------------------------------------ admin

    public User createUser(CreateUserRequest request) {
        CreateUserRequest keyed = request.toBuilder()
                .setIdempotencyKey(IdempotencyKeys.orNew(request.getIdempotencyKey())).build();
        return client.call(token.get(), channel -> AdminServiceGrpc.newBlockingStub(channel).createUser(keyed));
    }

    public Movie createMovie(CreateMovieRequest request) {
        CreateMovieRequest keyed = request.toBuilder()
                .setIdempotencyKey(IdempotencyKeys.orNew(request.getIdempotencyKey())).build();
        return client.call(token.get(), channel -> AdminServiceGrpc.newBlockingStub(channel).createMovie(keyed));
    }

    public Movie updateMovie(UpdateMovieRequest request) {
        UpdateMovieRequest keyed = request.toBuilder()
                .setIdempotencyKey(IdempotencyKeys.orNew(request.getIdempotencyKey())).build();
        return client.call(token.get(), channel -> AdminServiceGrpc.newBlockingStub(channel).updateMovie(keyed));
    }

    public Screen createScreen(CreateScreenRequest request) {
        CreateScreenRequest keyed = request.toBuilder()
                .setIdempotencyKey(IdempotencyKeys.orNew(request.getIdempotencyKey())).build();
        return client.call(token.get(), channel -> AdminServiceGrpc.newBlockingStub(channel).createScreen(keyed));
    }

    public Show createShow(CreateShowRequest request) {
        CreateShowRequest keyed = request.toBuilder()
                .setIdempotencyKey(IdempotencyKeys.orNew(request.getIdempotencyKey())).build();
        return client.call(token.get(), channel -> AdminServiceGrpc.newBlockingStub(channel).createShow(keyed));
    }

    public Show updateShow(UpdateShowRequest request) {
        UpdateShowRequest keyed = request.toBuilder()
                .setIdempotencyKey(IdempotencyKeys.orNew(request.getIdempotencyKey())).build();
        return client.call(token.get(), channel -> AdminServiceGrpc.newBlockingStub(channel).updateShow(keyed));
    }

    public ListBookingsResponse allBookings(ListAllBookingsRequest request) {
        return client.call(token.get(), channel -> AdminServiceGrpc.newBlockingStub(channel).listAllBookings(request));
    }

    public Booking refund(RefundBookingRequest request) {
        RefundBookingRequest keyed = request.toBuilder()
                .setIdempotencyKey(IdempotencyKeys.orNew(request.getIdempotencyKey())).build();
        return client.call(token.get(), channel -> AdminServiceGrpc.newBlockingStub(channel).refundBooking(keyed));
    }

    // ------------------------------------------------------------------ cluster

    public ClusterStatus clusterStatus() {
        return client.call(token.get(), channel -> ClusterServiceGrpc.newBlockingStub(channel)
                .getClusterStatus(GetClusterStatusRequest.getDefaultInstance()));
    }

    public TransferLeadershipResponse transferLeadership(String targetNodeId) {
        TransferLeadershipRequest request = TransferLeadershipRequest.newBuilder()
                .setTargetNodeId(targetNodeId == null ? "" : targetNodeId).build();
        return client.call(token.get(), channel -> ClusterServiceGrpc.newBlockingStub(channel)
                .transferLeadership(request));
    }

    public ClusterStatus addMember(String nodeId, String address) {
        AddMemberRequest request = AddMemberRequest.newBuilder().setNodeId(nodeId).setAddress(address).build();
        return client.call(token.get(), channel -> ClusterServiceGrpc.newBlockingStub(channel).addMember(request));
    }

    public ClusterStatus removeMember(String nodeId) {
        RemoveMemberRequest request = RemoveMemberRequest.newBuilder().setNodeId(nodeId).build();
        return client.call(token.get(), channel -> ClusterServiceGrpc.newBlockingStub(channel).removeMember(request));
    }
}
