package io.boxoffice.booking.assistant;

import static io.boxoffice.booking.testing.GrpcClients.fails;
import static org.assertj.core.api.Assertions.assertThat;

import io.boxoffice.booking.testing.Fixtures;
import io.boxoffice.booking.testing.GrpcClients;
import io.boxoffice.booking.testing.NodeTest;
import io.boxoffice.booking.testing.SingleNodeClusterResource;
import io.boxoffice.proto.v1.AskChunk;
import io.boxoffice.proto.v1.AskRequest;
import io.boxoffice.proto.v1.BookSeatsRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

@NodeTest
class AssistantApiTest {

    @org.junit.jupiter.api.BeforeAll
    static void demoData() {
        io.boxoffice.booking.testing.DemoDataReady.await();
    }

    @Test
    void ask_sends_the_callers_own_facts_and_relays_the_streamed_answer() {
        GrpcClients.booking(GrpcClients.user2()).bookSeats(BookSeatsRequest.newBuilder()
                .setShowId(Fixtures.show(2).getId()).addSeatIds("C9").setPayment(Fixtures.card(Fixtures.CARD_OK))
                .build());

        List<AskChunk> chunks = new ArrayList<>();
        GrpcClients.assistant(GrpcClients.user2()).ask(AskRequest.newBuilder().setQuestion("What did I book?")
                .setTimeZone("Europe/Berlin").build()).forEachRemaining(chunks::add);

        assertThat(chunks).hasSize(3);
        assertThat(chunks.get(0).getAnswer().getText()).startsWith("user2 has ").contains("booking(s)");
        assertThat(chunks.get(0).getAnswer().getFactsOnly()).isFalse();
        assertThat(chunks.get(1).getGeneratedText()).isEqualTo("Enjoy the show!");
        assertThat(chunks.get(2).getDone().getFinishReason()).isEqualTo("end_of_text");
        var sent = SingleNodeClusterResource.llm.lastRequest.get();
        assertThat(sent.getFacts().getUserName()).isEqualTo("user2");
        assertThat(sent.getFacts().getBookingsList()).isNotEmpty()
                .allSatisfy(booking -> assertThat(booking.getMovieTitle()).isNotBlank());
        assertThat(sent.getFacts().getShowsList()).isNotEmpty().hasSizeLessThanOrEqualTo(8);
        assertThat(sent.getQuestion()).isEqualTo("What did I book?");
        assertThat(sent.getNow().getSeconds()).isPositive();
    }

    @Test
    void ask_with_an_empty_question_or_an_unknown_time_zone_is_invalid_argument() {
        StatusRuntimeException empty = fails(Status.Code.INVALID_ARGUMENT, () -> GrpcClients.assistant(
                GrpcClients.user1()).ask(AskRequest.getDefaultInstance()).hasNext());
        StatusRuntimeException zone = fails(Status.Code.INVALID_ARGUMENT, () -> GrpcClients.assistant(
                GrpcClients.user1()).ask(AskRequest.newBuilder().setQuestion("hi").setTimeZone("Mars/Olympus")
                .build()).hasNext());

        assertThat(empty.getStatus().getDescription()).isEqualTo("question: is required");
        assertThat(zone.getStatus().getDescription())
                .isEqualTo("time_zone: 'Mars/Olympus' is not an IANA time zone such as Europe/Berlin");
    }

    @Test
    void ask_without_a_token_is_unauthenticated() {
        fails(Status.Code.UNAUTHENTICATED, () -> GrpcClients.assistant(null).ask(AskRequest.newBuilder()
                .setQuestion("hi").build()).hasNext());
    }

    @Test
    void when_llm_service_is_unreachable_then_ask_is_unavailable_with_a_clear_message() {
        SingleNodeClusterResource.llm.stop();
        try {
            StatusRuntimeException error = fails(Status.Code.UNAVAILABLE, () -> GrpcClients.assistant(
                    GrpcClients.user1()).ask(AskRequest.newBuilder().setQuestion("Can I cancel?").build()).hasNext());

            assertThat(error.getStatus().getDescription()).startsWith("the assistant service at 127.0.0.1:")
                    .contains("is unreachable").endsWith("bookings work as usual, try the assistant again later");
        } finally {
            SingleNodeClusterResource.llm.start();
        }
    }
}
