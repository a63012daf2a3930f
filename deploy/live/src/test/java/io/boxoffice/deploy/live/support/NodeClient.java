package io.boxoffice.deploy.live.support;

import io.boxoffice.proto.v1.AdminServiceGrpc;
import io.boxoffice.proto.v1.AskChunk;
import io.boxoffice.proto.v1.AskRequest;
import io.boxoffice.proto.v1.AssistantServiceGrpc;
import io.boxoffice.proto.v1.AuthServiceGrpc;
import io.boxoffice.proto.v1.BookSeatsRequest;
import io.boxoffice.proto.v1.Booking;
import io.boxoffice.proto.v1.CancelBookingRequest;
import io.boxoffice.proto.v1.ConfirmHoldRequest;
import io.boxoffice.proto.v1.Hold;
import io.boxoffice.proto.v1.HoldSeatsRequest;
import io.boxoffice.proto.v1.BookingServiceGrpc;
import io.boxoffice.proto.v1.CatalogServiceGrpc;
import io.boxoffice.proto.v1.ClusterServiceGrpc;
import io.boxoffice.proto.v1.ClusterStatus;
import io.boxoffice.proto.v1.CreateMovieRequest;
import io.boxoffice.proto.v1.CreateScreenRequest;
import io.boxoffice.proto.v1.CreateShowRequest;
import io.boxoffice.proto.v1.CreateUserRequest;
import io.boxoffice.proto.v1.GetBookingRequest;
import io.boxoffice.proto.v1.GetClusterStatusRequest;
import io.boxoffice.proto.v1.GetSeatMapRequest;
import io.boxoffice.proto.v1.ListShowsRequest;
import io.boxoffice.proto.v1.LoginRequest;
import io.boxoffice.proto.v1.Money;
import io.boxoffice.proto.v1.PaymentDetails;
import io.boxoffice.proto.v1.ReadConsistency;
import io.boxoffice.proto.v1.ScreenLayout;
import io.boxoffice.proto.v1.SeatCategory;
import io.boxoffice.proto.v1.SeatMap;
import io.boxoffice.proto.v1.Show;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/** A client of one booking node's public gRPC API and its HTTP health endpoint, as a test drives it. */
public final class NodeClient implements AutoCloseable {

    /** A test card the mock gateway always captures. */
    public static final PaymentDetails CARD = PaymentDetails.newBuilder().setCardNumber("4242424242424242")
            .setExpiryMonth(12).setExpiryYear(2035).setCvc("123").setCardholderName("Live Test").build();
    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String host;
    private final int httpPort;
    private final ManagedChannel channel;

    public NodeClient(String host, int grpcPort, int httpPort) {
        this.host = host;
        this.httpPort = httpPort;
        this.channel = ManagedChannelBuilder.forAddress(host, grpcPort).usePlaintext().build();
    }

    public String host() {
        return host;
    }

    /** Whether {@code /q/health/ready} answers 200. */
    public boolean ready() {
        return httpStatus("/q/health/ready") == 200;
    }

    /** The HTTP status of a GET on the node's HTTP port, or -1 when it does not answer. */
    public int httpStatus(String path) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + host + ":" + httpPort + path))
                    .timeout(Duration.ofSeconds(3)).GET().build();
            return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (java.io.IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    public String login(String username, String password) {
        return AuthServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .login(LoginRequest.newBuilder().setUsername(username).setPassword(password).build()).getToken();
    }

    public ClusterStatus clusterStatus(String adminToken) {
        return as(ClusterServiceGrpc.newBlockingStub(channel), adminToken, 3)
                .getClusterStatus(GetClusterStatusRequest.getDefaultInstance());
    }

    public List<Show> shows(String token) {
        return as(CatalogServiceGrpc.newBlockingStub(channel), token, 10).listShows(ListShowsRequest.getDefaultInstance())
                .getShowsList();
    }

    public void createUser(String adminToken, String username, String password) {
        as(AdminServiceGrpc.newBlockingStub(channel), adminToken, 10).createUser(CreateUserRequest.newBuilder()
                .setUsername(username).setPassword(password).addRoles("user").setIdempotencyKey("create-user-" + username).build());
    }

    /** A movie, a screen of {@code rows} × {@code seatsPerRow} and {@code shows} future shows of it; returns the show ids. */
    public List<String> createShows(String adminToken, int rows, int seatsPerRow, int shows) {
        AdminServiceGrpc.AdminServiceBlockingStub admin = as(AdminServiceGrpc.newBlockingStub(channel), adminToken, 10);
        String movie = admin.createMovie(CreateMovieRequest.newBuilder().setTitle("Container Test").setDurationMinutes(100)
                .setIdempotencyKey("container-test-movie").build()).getId();
        List<String> rowLetters = IntStream.range(0, rows).mapToObj(r -> String.valueOf((char) ('A' + r))).toList();
        String screen = admin.createScreen(CreateScreenRequest.newBuilder().setName("Container Hall")
                .setLayout(ScreenLayout.newBuilder().setRowCount(rows).setSeatsPerRow(seatsPerRow)
                        .addCategories(SeatCategory.newBuilder().setName("standard").addAllRows(rowLetters)
                                .setPrice(Money.newBuilder().setAmountMinor(1200).setCurrency("EUR"))))
                .setIdempotencyKey("container-test-screen").build()).getId();
        List<String> ids = new ArrayList<>();
        long start = System.currentTimeMillis() + TimeUnit.DAYS.toMillis(7);
        for (int i = 0; i < shows; i++) {
            ids.add(admin.createShow(CreateShowRequest.newBuilder().setMovieId(movie).setScreenId(screen)
                    .setStartsAtMillis(start + TimeUnit.HOURS.toMillis(3L * i)).setIdempotencyKey("container-test-show-" + i)
                    .build()).getId());
        }
        return ids;
    }

    public Booking book(String token, String showId, String seatId, String idempotencyKey, long deadlineMillis) {
        return as(BookingServiceGrpc.newBlockingStub(channel), token, 1).withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS)
                .bookSeats(BookSeatsRequest.newBuilder().setShowId(showId).addSeatIds(seatId).setPayment(CARD)
                        .setIdempotencyKey(idempotencyKey).build());
    }

    /** Books with another card (the mock gateway's test cards decline or fail some). */
    public Booking book(String token, String showId, String seatId, String idempotencyKey, PaymentDetails card) {
        return as(BookingServiceGrpc.newBlockingStub(channel), token, 10).bookSeats(BookSeatsRequest.newBuilder()
                .setShowId(showId).addSeatIds(seatId).setPayment(card).setIdempotencyKey(idempotencyKey).build());
    }

    public Hold hold(String token, String showId, String seatId, String idempotencyKey) {
        return as(BookingServiceGrpc.newBlockingStub(channel), token, 10).holdSeats(HoldSeatsRequest.newBuilder()
                .setShowId(showId).addSeatIds(seatId).setIdempotencyKey(idempotencyKey).build());
    }

    public Booking confirm(String token, String holdId, String idempotencyKey) {
        return as(BookingServiceGrpc.newBlockingStub(channel), token, 10).confirmHold(ConfirmHoldRequest.newBuilder()
                .setHoldId(holdId).setPayment(CARD).setIdempotencyKey(idempotencyKey).build());
    }

    public Booking cancel(String token, String bookingId, String idempotencyKey) {
        return as(BookingServiceGrpc.newBlockingStub(channel), token, 10).cancelBooking(CancelBookingRequest.newBuilder()
                .setBookingId(bookingId).setIdempotencyKey(idempotencyKey).build());
    }

    /** The booking as this node's own state has it (a STALE read), or empty when it does not know it yet. */
    public Optional<Booking> bookingStale(String token, String bookingId) {
        try {
            return Optional.of(as(BookingServiceGrpc.newBlockingStub(channel), token, 5).getBooking(GetBookingRequest
                    .newBuilder().setBookingId(bookingId).setConsistency(ReadConsistency.READ_CONSISTENCY_STALE).build()));
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    public SeatMap seatMap(String token, String showId, ReadConsistency consistency) {
        return as(CatalogServiceGrpc.newBlockingStub(channel), token, 10).getSeatMap(GetSeatMapRequest.newBuilder()
                .setShowId(showId).setConsistency(consistency).build());
    }

    /** Every chunk of one Ask. */
    public List<AskChunk> ask(String token, String question) {
        List<AskChunk> chunks = new ArrayList<>();
        Iterator<AskChunk> stream = as(AssistantServiceGrpc.newBlockingStub(channel), token, 30)
                .ask(AskRequest.newBuilder().setQuestion(question).build());
        stream.forEachRemaining(chunks::add);
        return chunks;
    }

    private static <S extends AbstractStub<S>> S as(S stub, String token, int deadlineSeconds) {
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + token);
        return stub.withDeadlineAfter(deadlineSeconds, TimeUnit.SECONDS).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    @Override
    public void close() {
        channel.shutdownNow();
    }
}
