package io.boxoffice.deploy.live.support;

import io.boxoffice.proto.v1.AskChunk;
import io.boxoffice.proto.v1.AskRequest;
import io.boxoffice.proto.v1.AssistantServiceGrpc;
import io.boxoffice.proto.v1.BookSeatsRequest;
import io.boxoffice.proto.v1.Booking;
import io.boxoffice.proto.v1.CancelBookingRequest;
import io.boxoffice.proto.v1.ConfirmHoldRequest;
import io.boxoffice.proto.v1.CreateMovieRequest;
import io.boxoffice.proto.v1.CreateScreenRequest;
import io.boxoffice.proto.v1.CreateShowRequest;
import io.boxoffice.proto.v1.CreateUserRequest;
import io.boxoffice.proto.v1.GetSeatMapRequest;
import io.boxoffice.proto.v1.Hold;
import io.boxoffice.proto.v1.HoldSeatsRequest;
import io.boxoffice.proto.v1.Money;
import io.boxoffice.proto.v1.PaymentDetails;
import io.boxoffice.proto.v1.ReadConsistency;
import io.boxoffice.proto.v1.ScreenLayout;
import io.boxoffice.proto.v1.SeatCategory;
import io.boxoffice.proto.v1.SeatMap;
import io.boxoffice.testkit.client.NodeClient;
import io.boxoffice.testkit.client.Stubs;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/** The calls the live tests of deploy/live make beyond what the test kit's {@link NodeClient} offers. */
public final class Operations {

    private static final long DEADLINE_MILLIS = 10_000;

    private Operations() {
    }

    public static void createUser(NodeClient client, String adminToken, String username, String password) {
        client.admin(adminToken, DEADLINE_MILLIS).createUser(CreateUserRequest.newBuilder().setUsername(username)
                .setPassword(password).addRoles("user").setIdempotencyKey("create-user-" + username).build());
    }

    /** A movie, a screen of {@code rows} × {@code seatsPerRow} and {@code shows} future shows of it; returns the show ids. */
    public static List<String> createShows(NodeClient client, String adminToken, int rows, int seatsPerRow, int shows) {
        String movie = client.admin(adminToken, DEADLINE_MILLIS).createMovie(CreateMovieRequest.newBuilder()
                .setTitle("Container Test").setDurationMinutes(100).setIdempotencyKey("container-test-movie").build()).getId();
        List<String> rowLetters = IntStream.range(0, rows).mapToObj(r -> String.valueOf((char) ('A' + r))).toList();
        String screen = client.admin(adminToken, DEADLINE_MILLIS).createScreen(CreateScreenRequest.newBuilder()
                .setName("Container Hall").setLayout(ScreenLayout.newBuilder().setRowCount(rows).setSeatsPerRow(seatsPerRow)
                        .addCategories(SeatCategory.newBuilder().setName("standard").addAllRows(rowLetters)
                                .setPrice(Money.newBuilder().setAmountMinor(1200).setCurrency("EUR"))))
                .setIdempotencyKey("container-test-screen").build()).getId();
        List<String> ids = new ArrayList<>();
        long start = System.currentTimeMillis() + TimeUnit.DAYS.toMillis(7);
        for (int i = 0; i < shows; i++) {
            ids.add(client.admin(adminToken, DEADLINE_MILLIS).createShow(CreateShowRequest.newBuilder().setMovieId(movie)
                    .setScreenId(screen).setStartsAtMillis(start + TimeUnit.HOURS.toMillis(3L * i))
                    .setIdempotencyKey("container-test-show-" + i).build()).getId());
        }
        return ids;
    }

    /** One seat with another card (the mock gateway's test cards decline or fail some). */
    public static Booking book(NodeClient client, String token, String showId, String seatId, String idempotencyKey,
            PaymentDetails card) {
        return client.booking(token, DEADLINE_MILLIS).bookSeats(BookSeatsRequest.newBuilder().setShowId(showId)
                .addSeatIds(seatId).setPayment(card).setIdempotencyKey(idempotencyKey).build());
    }

    public static Hold hold(NodeClient client, String token, String showId, String seatId, String idempotencyKey) {
        return client.booking(token, DEADLINE_MILLIS).holdSeats(HoldSeatsRequest.newBuilder().setShowId(showId)
                .addSeatIds(seatId).setIdempotencyKey(idempotencyKey).build());
    }

    public static Booking confirm(NodeClient client, String token, String holdId, String idempotencyKey) {
        return client.booking(token, DEADLINE_MILLIS).confirmHold(ConfirmHoldRequest.newBuilder().setHoldId(holdId)
                .setPayment(NodeClient.CARD).setIdempotencyKey(idempotencyKey).build());
    }

    public static Booking cancel(NodeClient client, String token, String bookingId, String idempotencyKey) {
        return client.booking(token, DEADLINE_MILLIS).cancelBooking(CancelBookingRequest.newBuilder().setBookingId(bookingId)
                .setIdempotencyKey(idempotencyKey).build());
    }

    public static SeatMap seatMap(NodeClient client, String token, String showId, ReadConsistency consistency) {
        return client.catalog(token, DEADLINE_MILLIS).getSeatMap(GetSeatMapRequest.newBuilder().setShowId(showId)
                .setConsistency(consistency).build());
    }

    /** Every chunk of one Ask, through the booking node (which calls llm-service). */
    public static List<AskChunk> ask(NodeClient client, String token, String question) {
        List<AskChunk> chunks = new ArrayList<>();
        Stubs.authorized(AssistantServiceGrpc.newBlockingStub(client.channel()), token, 30_000)
                .ask(AskRequest.newBuilder().setQuestion(question).build()).forEachRemaining(chunks::add);
        return chunks;
    }
}
