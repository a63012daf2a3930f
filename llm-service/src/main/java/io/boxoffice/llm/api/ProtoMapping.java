package io.boxoffice.llm.api;

import com.google.protobuf.Timestamp;
import io.boxoffice.llm.assistant.Facts;
import io.boxoffice.llm.assistant.FactualAnswer;
import io.boxoffice.llm.assistant.Money;
import io.boxoffice.llm.assistant.ProposedAction;
import io.boxoffice.llm.generation.FinishReason;
import io.boxoffice.llm.generation.SamplingParams;
import io.boxoffice.proto.assistant.v1.AnswerMode;
import io.boxoffice.proto.assistant.v1.CancelBookingAction;
import io.boxoffice.proto.assistant.v1.Citation;
import io.boxoffice.proto.assistant.v1.HoldSeatsAction;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/** Protobuf ⇄ domain. Every malformed value becomes an {@link InvalidRequestException} naming the field. */
final class ProtoMapping {

    private ProtoMapping() {}

    static Facts facts(io.boxoffice.proto.assistant.v1.Facts proto, int itemsMax) {
        requireAtMost("facts.bookings", proto.getBookingsCount(), itemsMax);
        requireAtMost("facts.holds", proto.getHoldsCount(), itemsMax);
        requireAtMost("facts.shows", proto.getShowsCount(), itemsMax);
        List<Facts.Booking> bookings = new ArrayList<>();
        for (int i = 0; i < proto.getBookingsCount(); i++) {
            var b = proto.getBookings(i);
            String field = "facts.bookings[" + i + "]";
            bookings.add(new Facts.Booking(required(field + ".booking_id", b.getBookingId()), b.getShowId(),
                    required(field + ".movie_title", b.getMovieTitle()), instant(field + ".show_starts_at", b.hasShowStartsAt(), b.getShowStartsAt()),
                    b.getScreen(), b.getSeatsList(), b.hasAmount() ? money(field + ".amount", b.getAmount()) : null, status(field + ".status", b.getStatus())));
        }
        List<Facts.Hold> holds = new ArrayList<>();
        for (int i = 0; i < proto.getHoldsCount(); i++) {
            var h = proto.getHolds(i);
            String field = "facts.holds[" + i + "]";
            holds.add(new Facts.Hold(required(field + ".hold_id", h.getHoldId()), h.getShowId(), required(field + ".movie_title", h.getMovieTitle()),
                    instant(field + ".show_starts_at", h.hasShowStartsAt(), h.getShowStartsAt()), h.getSeatsList(),
                    instant(field + ".expires_at", h.hasExpiresAt(), h.getExpiresAt())));
        }
        List<Facts.Show> shows = new ArrayList<>();
        for (int i = 0; i < proto.getShowsCount(); i++) {
            var s = proto.getShows(i);
            String field = "facts.shows[" + i + "]";
            if (s.getSeatsFree() > s.getSeatsTotal()) {
                throw new InvalidRequestException(field + ": seats_free (" + s.getSeatsFree() + ") exceeds seats_total (" + s.getSeatsTotal() + ")");
            }
            List<Facts.CategoryAvailability> categories = new ArrayList<>();
            for (int c = 0; c < s.getCategoriesCount(); c++) {
                var category = s.getCategories(c);
                String categoryField = field + ".categories[" + c + "]";
                categories.add(new Facts.CategoryAvailability(required(categoryField + ".category", category.getCategory()),
                        money(categoryField + ".price", category.getPrice()), category.getSeatsFree()));
            }
            shows.add(new Facts.Show(required(field + ".show_id", s.getShowId()), required(field + ".movie_title", s.getMovieTitle()),
                    s.getScreen(), instant(field + ".starts_at", s.hasStartsAt(), s.getStartsAt()), s.getSeatsFree(), s.getSeatsTotal(), categories));
        }
        return new Facts(proto.getUserName(), bookings, holds, shows,
                proto.hasPolicy() ? Optional.of(policy(proto.getPolicy())) : Optional.empty());
    }

    private static Facts.Policy policy(io.boxoffice.proto.assistant.v1.BookingPolicy proto) {
        if (proto.getFullRefundBeforeShowMillis() < 0) {
            throw new InvalidRequestException("facts.policy.full_refund_before_show_millis must not be negative, got "
                    + proto.getFullRefundBeforeShowMillis());
        }
        if (proto.getHoldDurationMillis() < 0) {
            throw new InvalidRequestException("facts.policy.hold_duration_millis must not be negative, got "
                    + proto.getHoldDurationMillis());
        }
        return new Facts.Policy(Duration.ofMillis(proto.getFullRefundBeforeShowMillis()),
                proto.getHoldDurationMillis() > 0 ? Optional.of(Duration.ofMillis(proto.getHoldDurationMillis())) : Optional.empty(),
                proto.getSeatsPerHoldMax() > 0 ? OptionalInt.of(proto.getSeatsPerHoldMax()) : OptionalInt.empty());
    }

    static Instant instant(String field, boolean present, Timestamp timestamp) {
        if (!present) {
            throw new InvalidRequestException(field + " is required");
        }
        try {
            return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
        } catch (DateTimeException e) {
            throw new InvalidRequestException(field + " is not a valid timestamp");
        }
    }

    static ZoneId zone(String timeZone) {
        if (timeZone.isEmpty()) {
            return ZoneOffset.UTC;
        }
        try {
            return ZoneId.of(timeZone);
        } catch (DateTimeException e) {
            throw new InvalidRequestException("time_zone '" + timeZone + "' is not an IANA zone id such as Europe/Berlin");
        }
    }

    static SamplingParams sampling(io.boxoffice.proto.assistant.v1.SamplingParams proto) {
        try {
            return new SamplingParams(proto.getTemperature(), proto.getTopK(), proto.getTopP(),
                    proto.hasSeed() ? OptionalLong.of(proto.getSeed()) : OptionalLong.empty());
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("sampling: " + e.getMessage());
        }
    }

    static io.boxoffice.proto.assistant.v1.FactualAnswer answer(FactualAnswer answer, AnswerMode mode) {
        var builder = io.boxoffice.proto.assistant.v1.FactualAnswer.newBuilder()
                .setText(answer.text()).setMode(mode).setOutsideFacts(answer.outsideFacts());
        answer.intents().forEach(intent -> builder.addIntents(intent.name()));
        answer.citations().forEach(c -> builder.addCitations(Citation.newBuilder().setSource(c.source()).setTitle(c.title())));
        answer.proposedAction().ifPresent(action -> builder.setProposedAction(proposedAction(action)));
        return builder.build();
    }

    static io.boxoffice.proto.assistant.v1.ProposedAction proposedAction(ProposedAction action) {
        var builder = io.boxoffice.proto.assistant.v1.ProposedAction.newBuilder().setSummary(action.summary());
        switch (action) {
            case ProposedAction.CancelBooking cancel -> builder.setCancelBooking(CancelBookingAction.newBuilder()
                    .setBookingId(cancel.bookingId()).setRefund(money(cancel.refund())).setAmount(money(cancel.amount()))
                    .setFullRefundUntil(timestamp(cancel.fullRefundUntil())).addAllSeats(cancel.seats()));
            case ProposedAction.HoldSeats hold -> {
                HoldSeatsAction.Builder seats = HoldSeatsAction.newBuilder().setShowId(hold.showId()).setSeatCount(hold.seatCount())
                        .setCategory(hold.category()).setShowStartsAt(timestamp(hold.showStartsAt()))
                        .setHoldDurationMillis(hold.holdDuration().map(Duration::toMillis).orElse(0L));
                hold.pricePerSeat().ifPresent(price -> seats.setPricePerSeat(money(price)));
                hold.totalPrice().ifPresent(price -> seats.setTotalPrice(money(price)));
                builder.setHoldSeats(seats);
            }
        }
        return builder.build();
    }

    private static io.boxoffice.proto.assistant.v1.Money money(Money money) {
        return io.boxoffice.proto.assistant.v1.Money.newBuilder().setAmountMinor(money.amountMinor()).setCurrency(money.currency()).build();
    }

    private static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }

    static io.boxoffice.proto.assistant.v1.FinishReason finishReason(FinishReason reason) {
        return switch (reason) {
            case MAX_TOKENS -> io.boxoffice.proto.assistant.v1.FinishReason.FINISH_REASON_MAX_TOKENS;
            case STOP_SEQUENCE -> io.boxoffice.proto.assistant.v1.FinishReason.FINISH_REASON_STOP_SEQUENCE;
            case END_OF_TEXT -> io.boxoffice.proto.assistant.v1.FinishReason.FINISH_REASON_END_OF_TEXT;
            case DEADLINE -> io.boxoffice.proto.assistant.v1.FinishReason.FINISH_REASON_DEADLINE;
            case CANCELLED, FAILED -> io.boxoffice.proto.assistant.v1.FinishReason.FINISH_REASON_CANCELLED;
            case CONTEXT_FULL -> io.boxoffice.proto.assistant.v1.FinishReason.FINISH_REASON_CONTEXT_FULL;
        };
    }

    private static Money money(String field, io.boxoffice.proto.assistant.v1.Money proto) {
        try {
            return new Money(proto.getAmountMinor(), proto.getCurrency());
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(field + ": " + e.getMessage());
        }
    }

    private static Facts.BookingStatus status(String field, io.boxoffice.proto.assistant.v1.BookingStatus status) {
        return switch (status) {
            case BOOKING_STATUS_CONFIRMED -> Facts.BookingStatus.CONFIRMED;
            case BOOKING_STATUS_CANCELLED -> Facts.BookingStatus.CANCELLED;
            case BOOKING_STATUS_REFUNDED -> Facts.BookingStatus.REFUNDED;
            default -> throw new InvalidRequestException(field + " is required (CONFIRMED, CANCELLED or REFUNDED)");
        };
    }

    private static String required(String field, String value) {
        if (value.isBlank()) {
            throw new InvalidRequestException(field + " must not be empty");
        }
        return value;
    }

    private static void requireAtMost(String field, int count, int max) {
        if (count > max) {
            throw new InvalidRequestException(field + " has " + count + " items; at most " + max + " are accepted");
        }
    }
}
