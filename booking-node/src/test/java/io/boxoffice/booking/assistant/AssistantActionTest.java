package io.boxoffice.booking.assistant;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxoffice.booking.testing.DemoDataReady;
import io.boxoffice.booking.testing.Fixtures;
import io.boxoffice.booking.testing.GrpcClients;
import io.boxoffice.booking.testing.NodeTest;
import io.boxoffice.booking.testing.SingleNodeClusterResource;
import io.boxoffice.proto.assistant.v1.AnswerMode;
import io.boxoffice.proto.assistant.v1.CancelBookingAction;
import io.boxoffice.proto.assistant.v1.FactualAnswer;
import io.boxoffice.proto.assistant.v1.HoldSeatsAction;
import io.boxoffice.proto.assistant.v1.ProposedAction;
import io.boxoffice.proto.v1.AskChunk;
import io.boxoffice.proto.v1.AskRequest;
import io.boxoffice.proto.v1.AssistantAction;
import io.boxoffice.proto.v1.BookSeatsRequest;
import io.boxoffice.proto.v1.Booking;
import io.boxoffice.proto.v1.BookingStatus;
import io.boxoffice.proto.v1.GetBookingRequest;
import io.boxoffice.proto.v1.Hold;
import io.boxoffice.proto.v1.ListMyHoldsRequest;
import io.boxoffice.proto.v1.Show;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Actions the assistant proposes: the node sends its refund and hold rules with the facts, relays the
 * proposal as the exact BookingService request, performs nothing itself, and the request the user
 * confirms runs once through the normal authenticated API, even when retried with its idempotency key.
 */
@NodeTest
class AssistantActionTest {

    @BeforeAll
    static void demoData() {
        DemoDataReady.await();
    }

    @AfterEach
    void defaultAnswers() {
        SingleNodeClusterResource.llm.responder = null;
    }

    private static List<AskChunk> ask(String token, String question) {
        List<AskChunk> chunks = new ArrayList<>();
        GrpcClients.assistant(token).ask(AskRequest.newBuilder().setQuestion(question).setTimeZone("Europe/Berlin").build())
                .forEachRemaining(chunks::add);
        return chunks;
    }

    /** llm-service answering with one proposal, built by {@code proposal} from the facts it received. */
    private static void llmProposes(Function<io.boxoffice.proto.assistant.v1.AskRequest, ProposedAction> proposal) {
        SingleNodeClusterResource.llm.responder = request -> List.of(io.boxoffice.proto.assistant.v1.AskChunk.newBuilder()
                .setAnswer(FactualAnswer.newBuilder().setText("Proposed, not done.").setMode(AnswerMode.ANSWER_MODE_FACTS_AND_MODEL)
                        .setProposedAction(proposal.apply(request))).build());
    }

    private static Booking book(String token, Show show, String seat) {
        return GrpcClients.booking(token).bookSeats(BookSeatsRequest.newBuilder().setShowId(show.getId()).addSeatIds(seat)
                .setPayment(Fixtures.card(Fixtures.CARD_OK)).build());
    }

    private static Booking read(String token, String bookingId) {
        return GrpcClients.booking(token).getBooking(GetBookingRequest.newBuilder().setBookingId(bookingId).build());
    }

    @Test
    void the_facts_carry_the_refund_window_and_hold_rules_this_node_applies() {
        ask(GrpcClients.user2(), "What is the refund policy?");
        var policy = SingleNodeClusterResource.llm.lastRequest.get().getFacts().getPolicy();
        assertThat(policy.getFullRefundBeforeShowMillis()).isEqualTo(7_200_000L); // boxoffice.limits default
        assertThat(policy.getHoldDurationMillis()).isEqualTo(3_600_000L);         // %test profile
        assertThat(policy.getSeatsPerHoldMax()).isEqualTo(10);
    }

    @Test
    void the_shows_of_a_film_the_question_names_are_in_the_facts() {
        Show named = Fixtures.shows().get(Fixtures.shows().size() - 1);
        ask(GrpcClients.user2(), "hold 2 seats for " + named.getMovieTitle().toUpperCase() + " please");
        assertThat(SingleNodeClusterResource.llm.lastRequest.get().getFacts().getShowsList())
                .anySatisfy(show -> assertThat(show.getShowId()).isEqualTo(named.getId()));
    }

    @Test
    void a_confirmed_cancel_runs_once_declined_changes_nothing_and_a_retry_changes_nothing_more() {
        String user = GrpcClients.user2();
        Booking booking = book(user, Fixtures.show(2), "D9");
        llmProposes(request -> ProposedAction.newBuilder().setSummary("Cancel booking " + booking.getId() + ": full refund.")
                .setCancelBooking(CancelBookingAction.newBuilder().setBookingId(booking.getId())
                        .setRefund(FactsMapper.money(booking.getAmount()))).build());

        AssistantAction action = ask(user, "cancel my booking").get(0).getAnswer().getProposedAction();

        assertThat(action.getSummary()).isEqualTo("Cancel booking " + booking.getId() + ": full refund.");
        assertThat(action.getCancelBooking().getBookingId()).isEqualTo(booking.getId());
        assertThat(action.getCancelBooking().getIdempotencyKey()).as("the client sets the key").isEmpty();
        assertThat(action.getRefund()).isEqualTo(booking.getAmount());
        // Proposed, and the user has not said yes: nothing changed.
        assertThat(read(user, booking.getId()).getStatus()).isEqualTo(BookingStatus.BOOKING_STATUS_CONFIRMED);

        // Yes: the client sends the proposed request as the user, with its own key.
        var confirmed = action.getCancelBooking().toBuilder().setIdempotencyKey("assistant-" + UUID.randomUUID()).build();
        Booking cancelled = GrpcClients.booking(user).cancelBooking(confirmed);
        assertThat(cancelled.getStatus()).isEqualTo(BookingStatus.BOOKING_STATUS_CANCELLED);
        assertThat(cancelled.getRefunded()).isEqualTo(action.getRefund());
        assertThat(cancelled.getStatusReason()).contains(ProposedActions.CANCEL_REASON);

        // The same request again (a retry after a lost answer): the first result, no second refund.
        Booking retried = GrpcClients.booking(user).cancelBooking(confirmed);
        assertThat(retried.getId()).isEqualTo(cancelled.getId());
        assertThat(retried.getRefunded()).isEqualTo(cancelled.getRefunded());
        Booking after = read(user, booking.getId());
        assertThat(after.getPayment().getRefundsList()).hasSize(1);
        assertThat(after.getRefunded()).isEqualTo(booking.getAmount());
    }

    @Test
    void a_confirmed_hold_is_one_hold_even_when_retried() {
        String user = GrpcClients.user2();
        Show show = Fixtures.show(2);
        llmProposes(request -> ProposedAction.newBuilder().setSummary("Hold 2 seats.")
                .setHoldSeats(HoldSeatsAction.newBuilder().setShowId(show.getId()).setSeatCount(2)).build());
        int holdsBefore = myHolds(user).size();

        AssistantAction action = ask(user, "hold 2 seats for " + show.getMovieTitle()).get(0).getAnswer().getProposedAction();

        assertThat(action.getHoldSeats().getShowId()).isEqualTo(show.getId());
        assertThat(action.getHoldSeats().getBestAvailable().getCount()).isEqualTo(2);
        assertThat(myHolds(user)).hasSize(holdsBefore);
        var confirmed = action.getHoldSeats().toBuilder().setIdempotencyKey("assistant-" + UUID.randomUUID()).build();
        Hold hold = GrpcClients.booking(user).holdSeats(confirmed);
        Hold retried = GrpcClients.booking(user).holdSeats(confirmed);
        assertThat(retried.getId()).isEqualTo(hold.getId());
        assertThat(hold.getSeatsList()).hasSize(2);
        assertThat(myHolds(user)).hasSize(holdsBefore + 1);
        GrpcClients.booking(user).releaseHold(io.boxoffice.proto.v1.ReleaseHoldRequest.newBuilder().setHoldId(hold.getId()).build());
    }

    @Test
    void a_proposal_about_someone_elses_booking_is_not_relayed() {
        Booking theirs = book(GrpcClients.user1(), Fixtures.show(2), "E9");
        llmProposes(request -> ProposedAction.newBuilder().setSummary("Cancel booking " + theirs.getId())
                .setCancelBooking(CancelBookingAction.newBuilder().setBookingId(theirs.getId())).build());

        var answer = ask(GrpcClients.user2(), "cancel booking " + theirs.getId()).get(0).getAnswer();

        assertThat(answer.hasProposedAction()).isFalse();
        assertThat(read(GrpcClients.user1(), theirs.getId()).getStatus()).isEqualTo(BookingStatus.BOOKING_STATUS_CONFIRMED);
    }

    private static List<Hold> myHolds(String token) {
        return GrpcClients.booking(token).listMyHolds(ListMyHoldsRequest.getDefaultInstance()).getHoldsList();
    }
}
