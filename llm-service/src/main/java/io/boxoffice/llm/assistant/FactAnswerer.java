package io.boxoffice.llm.assistant;

import java.text.Normalizer;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Answers from facts what facts answer: every sentence is a template filled with values copied
 * from {@link Facts} or computed from them (a refund deadline, the time left on a hold) and the
 * request's {@code now}. Times the question names ("tomorrow", "this Friday") narrow the shows,
 * bookings and holds to that time in the user's zone ({@link DatePhrases}). A question that asks
 * for an action gets at most one {@link ProposedAction} ({@link ActionProposer}). Policy passages
 * are quoted verbatim, with the booking node's values filled in. Pure: same inputs, same text.
 */
public final class FactAnswerer {

    static final String OUTSIDE_FACTS = "I can't answer that from your bookings, your holds, the shows I was given"
            + " or the Boxoffice policies, so I won't guess.";
    static final String NO_REFUND_RULES = "I was not given this cinema's refund rules, so I can't say what cancelling it"
            + " would refund.";

    private final PolicyLibrary policies;
    private final int passagesMax;

    public FactAnswerer(PolicyLibrary policies, int passagesMax) {
        this.policies = policies;
        this.passagesMax = passagesMax;
    }

    public FactualAnswer answer(String question, Facts facts, Instant now, ZoneId zone) {
        String normalized = normalize(question);
        TimeWords words = new TimeWords(zone);
        // Titles go first, so that a film called "Friday" is not read as a date.
        Optional<DatePhrases.TimeWindow> window = DatePhrases.find(withoutTitles(normalized, facts), now, zone);
        Question asked = new Question(normalized, window);
        Optional<ActionRequest> action = ActionRequest.of(normalized);
        Set<Intent> intents = Intent.of(question);
        if (action.isPresent() && action.get().kind() == ActionRequest.Kind.HOLD) {
            intents.remove(Intent.HOLD_EXPIRY); // "hold 2 seats" asks for a new hold, not about the user's holds
        }
        Answer answer = new Answer(now, words);
        for (Intent intent : intents) {
            switch (intent) {
                case CANCEL_OR_REFUND -> cancelOrRefund(answer, facts, asked);
                case HOLD_EXPIRY -> holdExpiry(answer, facts, asked);
                case SEATS_LEFT -> seatsLeft(answer, facts, asked);
                case MY_BOOKINGS -> myBookings(answer, facts, asked);
                case PRICES -> prices(answer, facts, asked);
                case SHOW_TIMES -> showTimes(answer, facts, asked);
            }
        }
        Optional<ProposedAction> proposal = Optional.empty();
        if (action.isPresent()) {
            ActionProposer.Proposal proposed = new ActionProposer(facts, now, words).propose(action.get(), asked);
            proposed.lines().forEach(answer::line);
            proposal = proposed.action();
            proposed.citations().forEach(answer::cite);
        }
        if (window.isPresent() && !answer.lines.isEmpty()) {
            answer.lines.add(0, "I read \"" + window.get().phrase() + "\" as " + window.get().dates() + " (" + zoneName(zone) + ").");
        }
        List<PolicyLibrary.Passage> passages = new ArrayList<>();
        for (PolicyLibrary.Retrieved retrieved : policies.retrieve(question, passagesMax)) {
            PolicyLibrary.Passage passage = retrieved.passage().render(facts.policy());
            passages.add(passage);
            answer.cite(new FactualAnswer.Citation("policy:" + passage.id(), passage.title()));
        }
        boolean outside = answer.lines.isEmpty() && passages.isEmpty();
        StringBuilder text = new StringBuilder();
        for (String line : answer.lines) {
            text.append(line).append('\n');
        }
        if (!passages.isEmpty()) {
            if (!answer.lines.isEmpty()) {
                text.append('\n');
            }
            for (PolicyLibrary.Passage passage : passages) {
                text.append("Policy — ").append(passage.title()).append(": ").append(passage.text()).append('\n');
            }
        }
        if (outside) {
            text.append(OUTSIDE_FACTS).append('\n');
        }
        return new FactualAnswer(text.toString().trim(), List.copyOf(intents), answer.citations, outside, passages, proposal);
    }

    /** The normalized question and the time it names, if any. */
    record Question(String text, Optional<DatePhrases.TimeWindow> window) {

        /** Items the question names by id or title (all of them when it names none), within its time if it names one. */
        <T> Selection<T> pick(List<T> items, Function<T, String> id, Function<T, String> title, Function<T, Instant> when) {
            List<T> named = select(items, text, id, title);
            boolean anyNamed = !named.isEmpty();
            List<T> candidates = anyNamed ? named : items;
            List<T> inTime = window.map(w -> candidates.stream().filter(item -> w.contains(when.apply(item))).toList())
                    .orElse(candidates);
            return new Selection<>(inTime, candidates, anyNamed);
        }
    }

    /**
     * @param matching what the question asks about
     * @param beforeTime what matched by name (or everything) before the time filter
     * @param named whether the question named an id or a title
     */
    record Selection<T>(List<T> matching, List<T> beforeTime, boolean named) {
        boolean emptiedByTime() {
            return matching.isEmpty() && !beforeTime.isEmpty();
        }
    }

    // ------------------------------------------------------------------ intents

    private static void cancelOrRefund(Answer answer, Facts facts, Question question) {
        if (facts.bookings().isEmpty()) {
            answer.line("You have no bookings in the facts I was given, so there is nothing to cancel.");
            return;
        }
        Selection<Facts.Booking> bookings = question.pick(facts.bookings(), Facts.Booking::bookingId, Facts.Booking::movieTitle,
                Facts.Booking::showStartsAt);
        if (bookings.emptiedByTime()) {
            answer.line("You have no booking " + (bookings.named() ? "for that " : "") + question.window().orElseThrow().describe()
                    + "; your bookings are: " + bookingIds(bookings.beforeTime()) + ".");
            return;
        }
        if (!bookings.named() && bookings.matching().size() > 1) {
            answer.line("You have " + bookings.matching().size() + " bookings" + question.window().map(w -> " " + w.describe()).orElse("")
                    + ": " + bookingIds(bookings.matching()) + ". Name one (by film or booking id) to see what cancelling it refunds.");
            return;
        }
        for (Facts.Booking booking : bookings.matching()) {
            answer.cite("booking:" + booking.bookingId(), booking.movieTitle());
            answer.line(refundLine(answer, facts, booking));
        }
    }

    /** The refund the policy gives for cancelling {@code booking} now, in one sentence. */
    static String refundLine(Answer answer, Facts facts, Facts.Booking booking) {
        String what = "Booking " + booking.bookingId() + " (" + booking.movieTitle() + ", " + answer.words.time(booking.showStartsAt())
                + ", seats " + String.join(", ", booking.seats()) + ")";
        if (booking.status() == Facts.BookingStatus.CANCELLED || booking.status() == Facts.BookingStatus.REFUNDED) {
            return what + " is already " + booking.status().name().toLowerCase(Locale.ROOT) + ".";
        }
        if (!answer.now.isBefore(booking.showStartsAt())) {
            return what + ": the show started at " + answer.words.time(booking.showStartsAt())
                    + ", so it can no longer be cancelled and there is no refund. Only an admin can refund it.";
        }
        if (facts.policy().isEmpty()) {
            return what + ": " + NO_REFUND_RULES;
        }
        Duration window = facts.policy().get().fullRefundBeforeShow();
        Instant deadline = RefundPolicy.refundDeadline(booking.showStartsAt(), window);
        String before = "(" + TimeWords.duration(window) + " before the show)";
        return switch (RefundPolicy.outcome(booking, answer.now, window)) {
            case FULL_REFUND -> what + ": you can cancel it for a full refund of " + amount(booking) + " until "
                    + answer.words.time(deadline) + " " + before + "; " + TimeWords.between(answer.now, deadline) + " left.";
            case NO_REFUND_TOO_LATE -> what + ": the full-refund window closed at " + answer.words.time(deadline) + " "
                    + before + ", so cancelling now gives no refund. Only an admin can refund it.";
            case NO_REFUND_SHOW_STARTED, ALREADY_CANCELLED -> throw new IllegalStateException("handled above");
        };
    }

    private static void holdExpiry(Answer answer, Facts facts, Question question) {
        if (facts.holds().isEmpty()) {
            answer.line("You have no seat holds right now.");
            return;
        }
        Selection<Facts.Hold> holds = question.pick(facts.holds(), Facts.Hold::holdId, Facts.Hold::movieTitle, Facts.Hold::showStartsAt);
        if (holds.emptiedByTime()) {
            answer.line("You have no hold " + (holds.named() ? "for that " : "") + "for a show "
                    + question.window().orElseThrow().describe() + ".");
            return;
        }
        for (Facts.Hold hold : holds.matching()) {
            answer.cite("hold:" + hold.holdId(), hold.movieTitle());
            String what = "Your hold " + hold.holdId() + " on seats " + String.join(", ", hold.seats()) + " for "
                    + hold.movieTitle() + " (" + answer.words.time(hold.showStartsAt()) + ")";
            if (answer.now.isBefore(hold.expiresAt())) {
                answer.line(what + " expires at " + answer.words.timeWithSeconds(hold.expiresAt()) + ", in "
                        + TimeWords.between(answer.now, hold.expiresAt()) + ". Pay before then to keep the seats.");
            } else {
                answer.line(what + " expired at " + answer.words.timeWithSeconds(hold.expiresAt())
                        + "; its seats are no longer held for you.");
            }
        }
    }

    private static void seatsLeft(Answer answer, Facts facts, Question question) {
        if (facts.shows().isEmpty()) {
            answer.line("I was not given the availability of any show.");
            return;
        }
        Selection<Facts.Show> shows = question.pick(facts.shows(), Facts.Show::showId, Facts.Show::movieTitle, Facts.Show::startsAt);
        List<Facts.Show> listed = shows.matching();
        if (shows.emptiedByTime()) {
            answer.line("I have no " + (shows.named() ? titles(shows.beforeTime()) + " " : "") + "show "
                    + question.window().orElseThrow().describe() + ". The ones I have:");
            listed = shows.beforeTime();
        } else if (!shows.named() && question.window().isEmpty()) {
            answer.line("I have no availability for a show matching your question. I do have:");
        }
        for (Facts.Show show : listed) {
            answer.cite("show:" + show.showId(), show.movieTitle());
            StringBuilder line = new StringBuilder(show.movieTitle() + " at " + answer.words.time(show.startsAt()) + " in "
                    + show.screen() + ": " + show.seatsFree() + " of " + show.seatsTotal() + " seats free");
            if (!show.categories().isEmpty()) {
                line.append(" (");
                for (int i = 0; i < show.categories().size(); i++) {
                    Facts.CategoryAvailability category = show.categories().get(i);
                    line.append(i == 0 ? "" : "; ").append(category.category()).append(": ").append(category.seatsFree()).append(" free");
                }
                line.append(')');
            }
            if (!answer.now.isBefore(show.startsAt())) {
                line.append("; this show has already started");
            }
            answer.line(line.append('.').toString());
        }
    }

    private static void myBookings(Answer answer, Facts facts, Question question) {
        if (facts.bookings().isEmpty()) {
            answer.line("You have no bookings.");
            return;
        }
        Selection<Facts.Booking> bookings = question.pick(facts.bookings(), Facts.Booking::bookingId, Facts.Booking::movieTitle,
                Facts.Booking::showStartsAt);
        List<Facts.Booking> listed = bookings.matching();
        if (bookings.emptiedByTime()) {
            answer.line("You have no booking " + question.window().orElseThrow().describe() + ". Your bookings are:");
            listed = bookings.beforeTime();
        } else if (!bookings.named() && mentionsAnyKnownTitle(facts, question.text())) {
            answer.line("You have no booking for that. Your bookings are:");
        }
        for (Facts.Booking booking : listed) {
            answer.cite("booking:" + booking.bookingId(), booking.movieTitle());
            answer.line("Booking " + booking.bookingId() + ": " + booking.movieTitle() + ", " + answer.words.time(booking.showStartsAt())
                    + ", " + booking.screen() + ", seats " + String.join(", ", booking.seats()) + ", " + amount(booking)
                    + ", " + booking.status().name().toLowerCase(Locale.ROOT) + ".");
        }
    }

    private static void prices(Answer answer, Facts facts, Question question) {
        List<Facts.Show> shows = question.pick(facts.shows(), Facts.Show::showId, Facts.Show::movieTitle, Facts.Show::startsAt).matching();
        boolean any = false;
        for (Facts.Show show : shows) {
            if (show.categories().isEmpty()) {
                continue;
            }
            any = true;
            answer.cite("show:" + show.showId(), show.movieTitle());
            StringBuilder line = new StringBuilder("Prices for " + show.movieTitle() + " at " + answer.words.time(show.startsAt()) + ": ");
            for (int i = 0; i < show.categories().size(); i++) {
                Facts.CategoryAvailability category = show.categories().get(i);
                line.append(i == 0 ? "" : "; ").append(category.category()).append(" ").append(category.price().render());
            }
            answer.line(line.append('.').toString());
        }
        if (!any) {
            answer.line("I was not given any ticket prices" + question.window().map(w -> " for a show " + w.describe()).orElse("") + ".");
        }
    }

    private static void showTimes(Answer answer, Facts facts, Question question) {
        Selection<Facts.Show> shows = question.pick(facts.shows(), Facts.Show::showId, Facts.Show::movieTitle, Facts.Show::startsAt);
        if (!shows.named() && question.window().isEmpty()) {
            return; // "when does X start" about a booking is covered by MY_BOOKINGS / CANCEL; nothing to add.
        }
        if (shows.emptiedByTime()) {
            answer.line("I have no " + (shows.named() ? titles(shows.beforeTime()) + " " : "") + "show "
                    + question.window().orElseThrow().describe() + ".");
            return;
        }
        for (Facts.Show show : shows.matching()) {
            answer.cite("show:" + show.showId(), show.movieTitle());
            answer.line(show.movieTitle() + " starts at " + answer.words.time(show.startsAt()) + " in " + show.screen() + ".");
        }
    }

    // ------------------------------------------------------------------ helpers

    /** Items whose id or movie title the question mentions; empty when it mentions none. */
    static <T> List<T> select(List<T> items, String normalizedQuestion, Function<T, String> id, Function<T, String> title) {
        List<T> byId = items.stream().filter(item -> mentions(normalizedQuestion, id.apply(item))).toList();
        if (!byId.isEmpty()) {
            return byId;
        }
        return items.stream().filter(item -> mentions(normalizedQuestion, title.apply(item))).toList();
    }

    private static boolean mentionsAnyKnownTitle(Facts facts, String question) {
        return facts.shows().stream().anyMatch(s -> mentions(question, s.movieTitle()))
                || facts.holds().stream().anyMatch(h -> mentions(question, h.movieTitle()))
                || facts.bookings().stream().anyMatch(b -> mentions(question, b.movieTitle()));
    }

    /** The question with every known movie title removed, so titles are not read as dates. */
    static String withoutTitles(String normalizedQuestion, Facts facts) {
        String text = " " + normalizedQuestion + " ";
        Set<String> titles = new LinkedHashSet<>();
        facts.shows().forEach(s -> titles.add(normalize(s.movieTitle())));
        facts.bookings().forEach(b -> titles.add(normalize(b.movieTitle())));
        facts.holds().forEach(h -> titles.add(normalize(h.movieTitle())));
        for (String title : titles) {
            if (!title.isBlank()) {
                text = text.replace(" " + title + " ", " ");
            }
        }
        return text.trim();
    }

    static boolean mentions(String normalizedQuestion, String phrase) {
        String needle = normalize(phrase);
        if (needle.isBlank()) {
            return false;
        }
        return (" " + normalizedQuestion + " ").contains(" " + needle + " ");
    }

    /** Lower case, accents removed, punctuation replaced by spaces, single spaces: "Amélie!" -> "amelie". */
    static String normalize(String text) {
        String decomposed = Normalizer.normalize(text, Normalizer.Form.NFD).replaceAll("\\p{M}+", "");
        return decomposed.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}-]+", " ").trim().replaceAll(" +", " ");
    }

    static String amount(Facts.Booking booking) {
        return booking.amount() == null ? "an amount I was not given" : booking.amount().render();
    }

    private static String bookingIds(List<Facts.Booking> bookings) {
        return String.join(", ", bookings.stream().map(b -> b.bookingId() + " (" + b.movieTitle() + ")").toList());
    }

    private static String titles(List<Facts.Show> shows) {
        return String.join(" or ", new LinkedHashSet<>(shows.stream().map(Facts.Show::movieTitle).toList()));
    }

    static String zoneName(ZoneId zone) {
        return zone.getId().equals("Z") ? "UTC" : zone.getId();
    }

    /** Collects lines and citations for one answer. */
    static final class Answer {
        final Instant now;
        final TimeWords words;
        final List<String> lines = new ArrayList<>();
        final Set<FactualAnswer.Citation> citationSet = new LinkedHashSet<>();
        final List<FactualAnswer.Citation> citations = new ArrayList<>();

        Answer(Instant now, TimeWords words) {
            this.now = now;
            this.words = words;
        }

        void line(String line) {
            if (!lines.contains(line)) {
                lines.add(line);
            }
        }

        void cite(String source, String title) {
            cite(new FactualAnswer.Citation(source, title));
        }

        void cite(FactualAnswer.Citation citation) {
            if (citationSet.add(citation)) {
                citations.add(citation);
            }
        }
    }
}
