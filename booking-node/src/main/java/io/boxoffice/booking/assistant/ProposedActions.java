package io.boxoffice.booking.assistant;

import io.boxoffice.proto.assistant.v1.BookingStatus;
import io.boxoffice.proto.assistant.v1.Facts;
import io.boxoffice.proto.assistant.v1.ProposedAction;
import io.boxoffice.proto.v1.AssistantAction;
import io.boxoffice.proto.v1.BestAvailable;
import io.boxoffice.proto.v1.CancelBookingRequest;
import io.boxoffice.proto.v1.HoldSeatsRequest;
import io.boxoffice.proto.v1.Money;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Turns the assistant's proposed action into the public {@link AssistantAction}: the exact BookingService
 * request a client sends if the user says yes (without an idempotency key, which the client sets and reuses
 * on retries). The node performs nothing here. A proposal that does not concern the caller's own facts (a
 * booking that is not theirs or not confirmed, a show it was not told about) is dropped: llm-service only
 * proposes from the facts, so that would be a bug there, and the booking API would refuse it anyway.
 */
final class ProposedActions {

    private static final Logger LOG = Logger.getLogger(ProposedActions.class);

    /** The reason recorded on a booking cancelled through the assistant. */
    static final String CANCEL_REASON = "cancelled by the user through the assistant";

    private ProposedActions() {
    }

    static Optional<AssistantAction> toPublic(ProposedAction proposal, Facts facts) {
        AssistantAction.Builder action = AssistantAction.newBuilder().setSummary(proposal.getSummary());
        switch (proposal.getActionCase()) {
            case CANCEL_BOOKING -> {
                var cancel = proposal.getCancelBooking();
                boolean own = facts.getBookingsList().stream().anyMatch(b -> b.getBookingId().equals(cancel.getBookingId())
                        && b.getStatus() == BookingStatus.BOOKING_STATUS_CONFIRMED);
                if (!own) {
                    return dropped(proposal, "booking " + cancel.getBookingId() + " is not one of the caller's confirmed bookings");
                }
                action.setCancelBooking(CancelBookingRequest.newBuilder().setBookingId(cancel.getBookingId())
                        .setReason(CANCEL_REASON)).setRefund(money(cancel.getRefund()));
            }
            case HOLD_SEATS -> {
                var hold = proposal.getHoldSeats();
                boolean known = facts.getShowsList().stream().anyMatch(s -> s.getShowId().equals(hold.getShowId()));
                if (!known || hold.getSeatCount() < 1) {
                    return dropped(proposal, "show " + hold.getShowId() + " was not in the facts, or no seats were asked for");
                }
                action.setHoldSeats(HoldSeatsRequest.newBuilder().setShowId(hold.getShowId())
                        .setBestAvailable(BestAvailable.newBuilder().setCount((int) hold.getSeatCount())
                                .setCategory(hold.getCategory())));
                if (hold.hasTotalPrice()) {
                    action.setPrice(money(hold.getTotalPrice()));
                }
            }
            case ACTION_NOT_SET -> {
                return dropped(proposal, "it names no action");
            }
        }
        return Optional.of(action.build());
    }

    private static Optional<AssistantAction> dropped(ProposedAction proposal, String why) {
        LOG.warnf("dropped the assistant's proposed action (%s): %s", why, proposal.getSummary());
        return Optional.empty();
    }

    private static Money money(io.boxoffice.proto.assistant.v1.Money money) {
        return Money.newBuilder().setAmountMinor(money.getAmountMinor()).setCurrency(money.getCurrency()).build();
    }
}
