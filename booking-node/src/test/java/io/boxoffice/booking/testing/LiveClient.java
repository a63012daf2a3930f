package io.boxoffice.booking.testing;

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
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** A client of one live booking node's public gRPC API (and its HTTP health), as a test drives it. */
public final class LiveClient implements AutoCloseable {

    /** A test card the mock gateway always captures. */
    public static final PaymentDetails CARD = PaymentDetails.newBuilder().setCardNumber("4242424242424242")
            .setExpiryMonth(12).setExpiryYear(2035).setCvc("123").setCardholderName("Live Test").build();
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String host;
    private final int grpcPort;
    private final int httpPort;
    private final ManagedChannel channel;

    public LiveClient(String host, int grpcPort, int httpPort) {
        this.host = host;
        this.grpcPort = grpcPort;
        this.httpPort = httpPort;
        this.channel = ManagedChannelBuilder.forAddress(host, grpcPort).usePlaintext().build();
    }

    public String target() {
        return host + ":" + grpcPort;
    }

    public ManagedChannel channel() {
        return channel;
    }

    /** Whether {@code /q/health/ready} answers 200. */
    public boolean ready() {
        return httpStatus("GET", "/q/health/ready") == 200;
    }

    /** The HTTP status of a request to the node's HTTP port, or -1 when it does not answer. */
    public int httpStatus(String method, String path) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + host + ":" + httpPort + path))
                    .timeout(Duration.ofSeconds(15)).method(method, HttpRequest.BodyPublishers.noBody()).build();
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
        return as(ClusterServiceGrpc.newBlockingStub(channel), adminToken, 5)
                .getClusterStatus(GetClusterStatusRequest.getDefaultInstance());
    }

    public List<Show> shows(String token) {
        return as(CatalogServiceGrpc.newBlockingStub(channel), token, 10)
                .listShows(ListShowsRequest.getDefaultInstance()).getShowsList();
    }

    public Booking book(String token, String showId, String seatId, String idempotencyKey, long deadlineMillis) {
        return as(BookingServiceGrpc.newBlockingStub(channel), token, 1).withDeadlineAfter(deadlineMillis,
                TimeUnit.MILLISECONDS).bookSeats(BookSeatsRequest.newBuilder().setShowId(showId).addSeatIds(seatId)
                .setPayment(CARD).setIdempotencyKey(idempotencyKey).build());
    }

    /** The booking as this node's own state has it (a STALE read), or empty when it does not know it yet. */
    public Optional<Booking> bookingStale(String token, String bookingId) {
        try {
            return Optional.of(as(BookingServiceGrpc.newBlockingStub(channel), token, 5).getBooking(
                    GetBookingRequest.newBuilder().setBookingId(bookingId)
                            .setConsistency(ReadConsistency.READ_CONSISTENCY_STALE).build()));
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static <S extends AbstractStub<S>> S as(S stub, String token, int deadlineSeconds) {
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + token);
        return stub.withDeadlineAfter(deadlineSeconds, TimeUnit.SECONDS)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    @Override
    public void close() {
        channel.shutdownNow();
    }
}
