package io.boxoffice.llm.assistant;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Turns a request ("cancel my Dune booking", "hold 2 premium seats for Dune tonight") into at
 * most one {@link ProposedAction}, from the facts alone: the booking or show must be pinned down
 * (one match, by id, title and the time the question names), and every consequence stated —
 * the refund the booking node's policy gives now, the seats, the price, how long a hold lasts.
 * When the facts do not pin the action down, there is no proposal and a line says what is
 * missing. Nothing here performs anything.
 */
final class ActionProposer {

    /** Said before a proposal's summary in the answer text, for clients that show only the text. */
    static final String PROPOSED = "Proposed, not done: ";

    record Proposal(List<String> lines, Optional<ProposedAction> action, List<FactualAnswer.Citation> citations) {
        static Proposal none(String... lines) {
            return new Proposal(List.of(lines), Optional.empty(), List.of());
        }
    }

    private final Facts facts;
    private final Instant now;
    private final TimeWords words;

    ActionProposer(Facts facts, Instant now, TimeWords words) {
        this.facts = facts;
        this.now = now;
        this.words = words;
    }

    Proposal propose(ActionRequest request, FactAnswerer.Question question) {
        return switch (request.kind()) {
            case CANCEL -> cancel(question);
            case HOLD -> hold(request.seatCount(), question);
        };
    }

    // ------------------------------------------------------------------ cancel

    private Proposal cancel(FactAnswerer.Question question) {
        FactAnswerer.Selection<Facts.Booking> selection = question.pick(facts.bookings(), Facts.Booking::bookingId,
                Facts.Booking::movieTitle, Facts.Booking::showStartsAt);
        // Why nothing is cancellable (no bookings, already cancelled, show started) is already in the answer.
        List<Facts.Booking> cancellable = selection.matching().stream()
                .filter(b -> b.status() == Facts.BookingStatus.CONFIRMED && now.isBefore(b.showStartsAt())).toList();
        if (cancellable.isEmpty()) {
            return Proposal.none();
        }
        if (cancellable.size() > 1) {
            return selection.named() ? Proposal.none("I cancel one booking at a time, and " + cancellable.size()
                    + " match: " + ids(cancellable) + ". Say which, for example \"cancel booking "
                    + cancellable.get(0).bookingId() + "\".") : Proposal.none();
        }
        Facts.Booking booking = cancellable.get(0);
        if (facts.policy().isEmpty()) {
            return Proposal.none(); // the answer says the refund rules are missing; no proposal without its refund
        }
        if (booking.amount() == null) {
            return Proposal.none("I won't propose cancelling booking " + booking.bookingId()
                    + ": I was not given its amount, so I can't tell you the refund.");
        }
        Duration window = facts.policy().get().fullRefundBeforeShow();
        Instant deadline = RefundPolicy.refundDeadline(booking.showStartsAt(), window);
        RefundPolicy.Outcome outcome = RefundPolicy.outcome(booking, now, window);
        Money refund = RefundPolicy.refund(booking.amount(), outcome);
        String deadlineWords = words.time(deadline) + ", " + TimeWords.duration(window) + " before the show";
        String summary = "Cancel booking " + booking.bookingId() + " (" + booking.movieTitle() + ", "
                + words.time(booking.showStartsAt()) + ", seats " + String.join(", ", booking.seats()) + "): its seats are"
                + " freed, and " + (outcome == RefundPolicy.Outcome.FULL_REFUND
                ? "you get a full refund of " + refund.render() + " (full refunds end at " + deadlineWords + ")."
                : "you get no refund of its " + booking.amount().render() + " (full refunds ended at " + deadlineWords + ").");
        ProposedAction action = new ProposedAction.CancelBooking(summary, booking.bookingId(), booking.amount(), refund, deadline,
                booking.seats());
        return new Proposal(List.of(PROPOSED + summary), Optional.of(action),
                List.of(new FactualAnswer.Citation("booking:" + booking.bookingId(), booking.movieTitle())));
    }

    // ------------------------------------------------------------------ hold

    private Proposal hold(OptionalInt seatCount, FactAnswerer.Question question) {
        if (facts.shows().isEmpty()) {
            return Proposal.none("I was not given any shows, so I can't propose a hold.");
        }
        FactAnswerer.Selection<Facts.Show> selection = question.pick(facts.shows(), Facts.Show::showId, Facts.Show::movieTitle,
                Facts.Show::startsAt);
        if (!selection.named()) {
            return Proposal.none("Which show? Name the film, and the day if it has several shows, for example \"hold 2 seats for "
                    + facts.shows().get(0).movieTitle() + " tonight\".");
        }
        List<Facts.Show> upcoming = selection.matching().stream().filter(s -> now.isBefore(s.startsAt())).toList();
        if (upcoming.isEmpty()) {
            String when = question.window().map(w -> " " + w.describe()).orElse("");
            return Proposal.none("I have no upcoming " + titles(selection.beforeTime()) + " show" + when
                    + " to hold seats for. The ones I have: " + showList(selection.beforeTime()) + ".");
        }
        if (upcoming.size() > 1) {
            return Proposal.none(titles(upcoming) + " has " + upcoming.size() + " upcoming shows"
                    + question.window().map(w -> " " + w.describe()).orElse("") + ": " + showList(upcoming)
                    + ". Say which, for example \"hold 2 seats for show " + upcoming.get(0).showId() + "\".");
        }
        Facts.Show show = upcoming.get(0);
        if (seatCount.isEmpty() || seatCount.getAsInt() < 1) {
            return Proposal.none("How many seats? For example \"hold 2 seats for " + show.movieTitle() + "\".");
        }
        int count = seatCount.getAsInt();
        OptionalInt seatsMax = facts.policy().map(Facts.Policy::seatsPerHoldMax).orElse(OptionalInt.empty());
        if (seatsMax.isPresent() && count > seatsMax.getAsInt()) {
            return Proposal.none("A hold takes at most " + seatsMax.getAsInt() + " seats; ask for " + seatsMax.getAsInt()
                    + " or fewer.");
        }
        Optional<Facts.CategoryAvailability> category = show.categories().stream()
                .filter(c -> FactAnswerer.mentions(question.text(), c.category())).findFirst();
        String where = show.movieTitle() + " at " + words.time(show.startsAt()) + " in " + show.screen();
        int free = category.map(Facts.CategoryAvailability::seatsFree).orElse(show.seatsFree());
        if (free < count) {
            return Proposal.none("Only " + free + " " + category.map(c -> c.category() + " ").orElse("") + "seat"
                    + (free == 1 ? " is" : "s are") + " free for " + where + ", so I can't propose holding " + count + ".");
        }
        Optional<Money> price = category.map(Facts.CategoryAvailability::price).or(() -> singlePrice(show));
        Optional<Money> total = price.map(p -> new Money(p.amountMinor() * count, p.currency()));
        Optional<Duration> holdDuration = facts.policy().flatMap(Facts.Policy::holdDuration);
        String seats = count + " " + category.map(c -> c.category() + " ").orElse("") + (count == 1 ? "seat" : "seats");
        String cost = price.isPresent()
                ? price.get().render() + (count == 1 ? "" : " each, " + total.orElseThrow().render() + " in all")
                : "at the price of the seats' category (" + priceRange(show) + ")";
        String summary = "Hold " + seats + " (best available, side by side where possible) for " + where + ": " + cost
                + ", paid only when you confirm the hold with a card. "
                + holdDuration.map(d -> "The hold keeps the seats for " + TimeWords.duration(d) + "; then they are free again.")
                        .orElse("The hold keeps the seats for a time the cinema sets; then they are free again.");
        ProposedAction action = new ProposedAction.HoldSeats(summary, show.showId(), count,
                category.map(Facts.CategoryAvailability::category).orElse(""), price, total, show.startsAt(), holdDuration);
        return new Proposal(List.of(PROPOSED + summary), Optional.of(action),
                List.of(new FactualAnswer.Citation("show:" + show.showId(), show.movieTitle())));
    }

    /** The one price of a show whose categories all cost the same. */
    private static Optional<Money> singlePrice(Facts.Show show) {
        Set<Money> prices = new LinkedHashSet<>();
        show.categories().forEach(c -> prices.add(c.price()));
        return prices.size() == 1 ? Optional.of(prices.iterator().next()) : Optional.empty();
    }

    private static String priceRange(Facts.Show show) {
        if (show.categories().isEmpty()) {
            return "I was not given the prices";
        }
        List<String> prices = new ArrayList<>();
        show.categories().forEach(c -> prices.add(c.category() + " " + c.price().render()));
        return String.join("; ", prices);
    }

    private String showList(List<Facts.Show> shows) {
        return String.join("; ", shows.stream().map(s -> s.showId() + " at " + words.time(s.startsAt())).toList());
    }

    private static String titles(List<Facts.Show> shows) {
        return String.join(" or ", new LinkedHashSet<>(shows.stream().map(Facts.Show::movieTitle).toList()));
    }

    private static String ids(List<Facts.Booking> bookings) {
        return String.join(", ", bookings.stream().map(b -> b.bookingId() + " (" + b.movieTitle() + ")").toList());
    }
}
