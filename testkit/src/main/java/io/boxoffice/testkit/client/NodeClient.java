package io.boxoffice.testkit.client;

import io.boxoffice.proto.v1.AdminServiceGrpc;
import io.boxoffice.proto.v1.AuthServiceGrpc;
import io.boxoffice.proto.v1.BookSeatsRequest;
import io.boxoffice.proto.v1.Booking;
import io.boxoffice.proto.v1.BookingServiceGrpc;
import io.boxoffice.proto.v1.CatalogServiceGrpc;
import io.boxoffice.proto.v1.ClusterServiceGrpc;
import io.boxoffice.proto.v1.ClusterStatus;
import io.boxoffice.proto.v1.GetBookingRequest;
import io.boxoffice.proto.v1.GetClusterStatusRequest;
import io.boxoffice.proto.v1.ListShowsRequest;
import io.boxoffice.proto.v1.LoginRequest;
import io.boxoffice.proto.v1.PaymentDetails;
import io.boxoffice.proto.v1.ReadConsistency;
import io.boxoffice.proto.v1.Show;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A client of one live booking node: its public gRPC API (stubs with a deadline and a token, no retries of
 * their own: {@link Retrying} adds them where a test wants them, so a test decides and can count every
 * attempt) and its HTTP side (readiness, metrics, drain). Thread-safe.
 */
public final class NodeClient implements AutoCloseable {

    /** A test card the mock gateway always captures. */
    public static final PaymentDetails CARD = PaymentDetails.newBuilder().setCardNumber("4242424242424242")
            .setExpiryMonth(12).setExpiryYear(2099).setCvc("123").setCardholderName("Live Test").build();
    private static final int INBOUND_MESSAGE_BYTES_MAX = 16 * 1024 * 1024;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String host;
    private final int grpcPort;
    private final int httpPort;
    private final Duration httpTimeout;
    private ManagedChannel channel;

    /** A client whose health and metrics requests wait at most 2 s. */
    public NodeClient(String host, int grpcPort, int httpPort) {
        this(host, grpcPort, httpPort, Duration.ofSeconds(2));
    }

    public NodeClient(String host, int grpcPort, int httpPort, Duration httpTimeout) {
        this.host = host;
        this.grpcPort = grpcPort;
        this.httpPort = httpPort;
        this.httpTimeout = httpTimeout;
        this.channel = newChannel();
    }

    private ManagedChannel newChannel() {
        return ManagedChannelBuilder.forAddress(host, grpcPort).usePlaintext()
                .maxInboundMessageSize(INBOUND_MESSAGE_BYTES_MAX).build();
    }

    /** {@code host:port} of the client API. */
    public String target() {
        return host + ":" + grpcPort;
    }

    public synchronized ManagedChannel channel() {
        return channel;
    }

    /** A fresh channel (after a node restart), not one that sits in reconnect backoff. */
    public synchronized void reconnect() {
        channel.shutdownNow();
        channel = newChannel();
    }

    // ---------------------------------------------------------------- gRPC

    public AuthServiceGrpc.AuthServiceBlockingStub auth(long deadlineMillis) {
        return Stubs.authorized(AuthServiceGrpc.newBlockingStub(channel()), null, deadlineMillis);
    }

    public BookingServiceGrpc.BookingServiceBlockingStub booking(String token, long deadlineMillis) {
        return Stubs.authorized(BookingServiceGrpc.newBlockingStub(channel()), token, deadlineMillis);
    }

    public CatalogServiceGrpc.CatalogServiceBlockingStub catalog(String token, long deadlineMillis) {
        return Stubs.authorized(CatalogServiceGrpc.newBlockingStub(channel()), token, deadlineMillis);
    }

    public AdminServiceGrpc.AdminServiceBlockingStub admin(String token, long deadlineMillis) {
        return Stubs.authorized(AdminServiceGrpc.newBlockingStub(channel()), token, deadlineMillis);
    }

    public ClusterServiceGrpc.ClusterServiceBlockingStub cluster(String token, long deadlineMillis) {
        return Stubs.authorized(ClusterServiceGrpc.newBlockingStub(channel()), token, deadlineMillis);
    }

    public String login(String username, String password) {
        return auth(10_000).login(LoginRequest.newBuilder().setUsername(username).setPassword(password).build())
                .getToken();
    }

    public ClusterStatus clusterStatus(String adminToken) {
        return cluster(adminToken, 5_000).getClusterStatus(GetClusterStatusRequest.getDefaultInstance());
    }

    public List<Show> shows(String token) {
        return catalog(token, 10_000).listShows(ListShowsRequest.getDefaultInstance()).getShowsList();
    }

    /** One seat with {@link #CARD} and the given idempotency key. */
    public Booking book(String token, String showId, String seatId, String idempotencyKey, long deadlineMillis) {
        return booking(token, deadlineMillis).bookSeats(BookSeatsRequest.newBuilder().setShowId(showId)
                .addSeatIds(seatId).setPayment(CARD).setIdempotencyKey(idempotencyKey).build());
    }

    /** The booking as this node's own state has it (a STALE read), or empty when it does not know it yet. */
    public Optional<Booking> bookingStale(String token, String bookingId) {
        try {
            return Optional.of(booking(token, 5_000).getBooking(GetBookingRequest.newBuilder().setBookingId(bookingId)
                    .setConsistency(ReadConsistency.READ_CONSISTENCY_STALE).build()));
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    // ---------------------------------------------------------------- HTTP

    /** {@code /q/health/ready}, or {@link Readiness#DOWN} when the node does not answer in time. */
    public Readiness readiness() {
        return http("GET", "/q/health/ready", httpTimeout)
                .map(response -> Readiness.parse(response.statusCode(), response.body())).orElse(Readiness.DOWN);
    }

    public boolean ready() {
        return readiness().up();
    }

    /** The HTTP status of a request to the node's HTTP port, or -1 when it does not answer within {@code timeout}. */
    public int httpStatus(String method, String path, Duration timeout) {
        return http(method, path, timeout).map(HttpResponse::statusCode).orElse(-1);
    }

    /** The answer to a request without a body, or empty when the node does not answer within {@code timeout}. */
    public Optional<HttpResponse<String>> http(String method, String path, Duration timeout) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + host + ":" + httpPort + path))
                    .timeout(timeout).method(method, HttpRequest.BodyPublishers.noBody()).build();
            return Optional.of(HTTP.send(request, HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** The value of an unlabelled (or first) sample of {@code metric} at {@code /q/metrics}, empty when absent. */
    public OptionalDouble metric(String metric) {
        Pattern sample = Pattern.compile("(?m)^" + Pattern.quote(metric) + "(?:\\{[^}]*\\})? ([0-9.eE+-]+)");
        return http("GET", "/q/metrics", httpTimeout).map(response -> {
            Matcher matcher = sample.matcher(response.body());
            return matcher.find() ? OptionalDouble.of(Double.parseDouble(matcher.group(1))) : OptionalDouble.empty();
        }).orElse(OptionalDouble.empty());
    }

    @Override
    public void close() {
        ManagedChannel current = channel();
        current.shutdownNow();
        try {
            current.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
