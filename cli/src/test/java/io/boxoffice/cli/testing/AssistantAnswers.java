package io.boxoffice.cli.testing;

import io.boxoffice.proto.v1.AskAnswer;
import io.boxoffice.proto.v1.AskChunk;
import io.boxoffice.proto.v1.AskDone;
import io.boxoffice.proto.v1.AssistantAction;
import io.boxoffice.proto.v1.BestAvailable;
import io.boxoffice.proto.v1.CancelBookingRequest;
import io.boxoffice.proto.v1.HoldSeatsRequest;
import io.boxoffice.proto.v1.Money;
import java.util.List;

/** Assistant streams as a booking node relays them, for {@link FakeNode#assistantAnswer}. */
public final class AssistantAnswers {

    public static final String PROPOSED_NOTE = "An action is proposed and nothing has been changed: it happens only if you"
            + " confirm it in your client, which then sends it to the booking service as you.";

    private AssistantAnswers() {
    }

    public static List<AskChunk> proposesCancel(String bookingId, long refundMinor) {
        String summary = "Cancel booking " + bookingId + " (Split Brain, seats B2, B3): its seats are freed, and you get a"
                + " full refund of EUR " + refundMinor / 100 + ".00.";
        return proposal(summary, AssistantAction.newBuilder().setSummary(summary)
                .setCancelBooking(CancelBookingRequest.newBuilder().setBookingId(bookingId)
                        .setReason("cancelled by the user through the assistant"))
                .setRefund(Money.newBuilder().setAmountMinor(refundMinor).setCurrency("EUR")).build());
    }

    public static List<AskChunk> proposesHold(String showId, int seats) {
        String summary = "Hold " + seats + " seats (best available) for Split Brain: EUR 12.00 each.";
        return proposal(summary, AssistantAction.newBuilder().setSummary(summary)
                .setHoldSeats(HoldSeatsRequest.newBuilder().setShowId(showId)
                        .setBestAvailable(BestAvailable.newBuilder().setCount(seats)))
                .setPrice(Money.newBuilder().setAmountMinor(1200L * seats).setCurrency("EUR")).build());
    }

    public static List<AskChunk> factsOnly(String text) {
        return List.of(AskChunk.newBuilder().setAnswer(AskAnswer.newBuilder().setText(text).setFactsOnly(true)).build(),
                AskChunk.newBuilder().setDone(AskDone.newBuilder().setFinishReason("not_generated")
                        .setNote("The language model is not loaded, so this answer comes from the facts only: no model files"
                                + " in /models/distilgpt2.")).build());
    }

    private static List<AskChunk> proposal(String summary, AssistantAction action) {
        return List.of(AskChunk.newBuilder().setAnswer(AskAnswer.newBuilder().setText("Proposed, not done: " + summary)
                        .setProposedAction(action)).build(),
                AskChunk.newBuilder().setDone(AskDone.newBuilder().setFinishReason("not_generated").setNote(PROPOSED_NOTE)).build());
    }
}
