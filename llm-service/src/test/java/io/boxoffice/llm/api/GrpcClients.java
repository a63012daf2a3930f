package io.boxoffice.llm.api;

import io.boxoffice.proto.assistant.v1.AskChunk;
import io.boxoffice.proto.assistant.v1.AskRequest;
import io.boxoffice.proto.assistant.v1.AssistantGrpc;
import io.boxoffice.proto.assistant.v1.BookingStatus;
import io.boxoffice.proto.assistant.v1.Facts;
import io.boxoffice.proto.assistant.v1.Hold;
import io.boxoffice.proto.assistant.v1.Money;
import io.boxoffice.proto.assistant.v1.Booking;
import io.boxoffice.proto.assistant.v1.BookingPolicy;
import io.boxoffice.proto.assistant.v1.Show;
import com.google.protobuf.Timestamp;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Test helpers: a plaintext channel to the service and the fixture facts as protobuf. */
final class GrpcClients {

    private GrpcClients() {}

    static ManagedChannel channel(int port) {
        return NettyChannelBuilder.forAddress("localhost", port).usePlaintext().build();
    }

    static AssistantGrpc.AssistantBlockingStub stub(ManagedChannel channel) {
        return AssistantGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    static <T> List<T> drain(Iterator<T> stream) {
        List<T> items = new ArrayList<>();
        stream.forEachRemaining(items::add);
        return items;
    }

    static Timestamp at(String iso) {
        Instant instant = Instant.parse(iso);
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }

    static Facts facts() {
        return Facts.newBuilder().setUserName("user1")
                .addBookings(Booking.newBuilder().setBookingId("B-1001").setShowId("S-1").setMovieTitle("Dune: Part Two")
                        .setShowStartsAt(at("2026-11-24T21:00:00Z")).setScreen("Screen 1").addSeats("F7").addSeats("F8")
                        .setAmount(Money.newBuilder().setAmountMinor(2400).setCurrency("EUR")).setStatus(BookingStatus.BOOKING_STATUS_CONFIRMED))
                .addHolds(Hold.newBuilder().setHoldId("H-77").setShowId("S-6").setMovieTitle("Wicked")
                        .setShowStartsAt(at("2026-11-25T20:00:00Z")).addSeats("G1").setExpiresAt(at("2026-11-24T18:07:30Z")))
                .addShows(Show.newBuilder().setShowId("S-1").setMovieTitle("Dune: Part Two").setScreen("Screen 1")
                        .setStartsAt(at("2026-11-24T21:00:00Z")).setSeatsFree(37).setSeatsTotal(120))
                .setPolicy(BookingPolicy.newBuilder().setFullRefundBeforeShowMillis(7_200_000).setHoldDurationMillis(600_000)
                        .setSeatsPerHoldMax(10))
                .build();
    }

    static AskRequest ask(String question) {
        return AskRequest.newBuilder().setQuestion(question).setFacts(facts()).setNow(at("2026-11-24T18:00:00Z"))
                .setMaxNewTokens(12).build();
    }

    static List<AskChunk> ask(ManagedChannel channel, AskRequest request) {
        return drain(stub(channel).ask(request));
    }
}
