package io.boxoffice.llm.assistant;

import java.text.Normalizer;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * Answers from facts what facts answer: every sentence is a template filled with values copied
 * from {@link Facts} or computed from them (a refund deadline, the time left on a hold) and the
 * request's {@code now}. Policy passages are quoted verbatim. Pure: same inputs, same text.
 */
public final class FactAnswerer {

    static final String OUTSIDE_FACTS = "I can't answer that from your bookings, your holds, the shows I was given"
            + " or the Boxoffice policies, so I won't guess.";

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("EEE d MMM yyyy HH:mm", Locale.ENGLISH);
    private static final DateTimeFormatter TIME_WITH_SECONDS = DateTimeFormatter.ofPattern("EEE d MMM yyyy HH:mm:ss", Locale.ENGLISH);

    private final PolicyLibrary policies;
    private final int passagesMax;

    public FactAnswerer(PolicyLibrary policies, int passagesMax) {
        this.policies = policies;
        this.passagesMax = passagesMax;
    }

    public FactualAnswer answer(String question, Facts facts, Instant now, ZoneId zone) {
        Set<Intent> intents = Intent.of(question);
        Answer answer = new Answer(now, zone);
        String normalizedQuestion = normalize(question);
        for (Intent intent : intents) {
            switch (intent) {
                case CANCEL_OR_REFUND -> cancelOrRefund(answer, facts, normalizedQuestion);
                case HOLD_EXPIRY -> holdExpiry(answer, facts, normalizedQuestion);
                case SEATS_LEFT -> seatsLeft(answer, facts, normalizedQuestion);
                case MY_BOOKINGS -> myBookings(answer, facts, normalizedQuestion);
                case PRICES -> prices(answer, facts, normalizedQuestion);
                case SHOW_TIMES -> showTimes(answer, facts, normalizedQuestion);
            }
        }
        List<PolicyLibrary.Passage> passages = new ArrayList<>();
        for (PolicyLibrary.Retrieved retrieved : policies.retrieve(question, passagesMax)) {
            passages.add(retrieved.passage());
            answer.cite("policy:" + retrieved.passage().id(), retrieved.passage().title());
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
        return new FactualAnswer(text.toString().trim(), List.copyOf(intents), answer.citations, outside, passages);
    }

    // ------------------------------------------------------------------ intents

    private static void cancelOrRefund(Answer answer, Facts facts, String question) {
        List<Facts.Booking> bookings = select(facts.bookings(), question, Facts.Booking::bookingId, Facts.Booking::movieTitle);
        if (facts.bookings().isEmpty()) {
            answer.line("You have no bookings in the facts I was given, so there is nothing to cancel.");
            return;
        }
        if (bookings.isEmpty()) {
            answer.line("None of your bookings matches that; your bookings are: " + bookingIds(facts.bookings()) + ".");
            return;
        }
        for (Facts.Booking booking : bookings) {
            answer.cite("booking:" + booking.bookingId(), booking.movieTitle());
            String what = "Booking " + booking.bookingId() + " (" + booking.movieTitle() + ", " + answer.time(booking.showStartsAt())
                    + ", seats " + String.join(", ", booking.seats()) + ")";
            Instant deadline = RefundPolicy.refundDeadline(booking.showStartsAt());
            switch (RefundPolicy.outcome(booking, answer.now)) {
                case ALREADY_CANCELLED -> answer.line(what + " is already " + booking.status().name().toLowerCase(Locale.ROOT) + ".");
                case FULL_REFUND -> answer.line(what + ": you can cancel it for a full refund of " + amount(booking)
                        + " until " + answer.time(deadline) + " (2 hours before the show); "
                        + answer.relative(deadline) + " left.");
                case NO_REFUND_TOO_LATE -> answer.line(what + ": the full-refund window closed at " + answer.time(deadline)
                        + " (2 hours before the show), so cancelling now gives no refund. Only an admin can refund it.");
                case NO_REFUND_SHOW_STARTED -> answer.line(what + ": the show started at " + answer.time(booking.showStartsAt())
                        + ", so there is no refund. Only an admin can refund it.");
            }
        }
    }

    private static void holdExpiry(Answer answer, Facts facts, String question) {
        if (facts.holds().isEmpty()) {
            answer.line("You have no seat holds right now.");
            return;
        }
        List<Facts.Hold> holds = select(facts.holds(), question, Facts.Hold::holdId, Facts.Hold::movieTitle);
        if (holds.isEmpty()) {
            holds = facts.holds();
        }
        for (Facts.Hold hold : holds) {
            answer.cite("hold:" + hold.holdId(), hold.movieTitle());
            String what = "Your hold " + hold.holdId() + " on seats " + String.join(", ", hold.seats()) + " for "
                    + hold.movieTitle() + " (" + answer.time(hold.showStartsAt()) + ")";
            if (answer.now.isBefore(hold.expiresAt())) {
                answer.line(what + " expires at " + answer.timeWithSeconds(hold.expiresAt()) + ", in "
                        + answer.relative(hold.expiresAt()) + ". Pay before then to keep the seats.");
            } else {
                answer.line(what + " expired at " + answer.timeWithSeconds(hold.expiresAt())
                        + "; its seats are no longer held for you.");
            }
        }
    }

    private static void seatsLeft(Answer answer, Facts facts, String question) {
        List<Facts.Show> shows = select(facts.shows(), question, Facts.Show::showId, Facts.Show::movieTitle);
        if (facts.shows().isEmpty()) {
            answer.line("I was not given the availability of any show.");
            return;
        }
        if (shows.isEmpty()) {
            answer.line("I have no availability for a show matching your question. I do have:");
            shows = facts.shows();
        }
        for (Facts.Show show : shows) {
            answer.cite("show:" + show.showId(), show.movieTitle());
            StringBuilder line = new StringBuilder(show.movieTitle() + " at " + answer.time(show.startsAt()) + " in "
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

    private static void myBookings(Answer answer, Facts facts, String question) {
        if (facts.bookings().isEmpty()) {
            answer.line("You have no bookings.");
            return;
        }
        List<Facts.Booking> bookings = select(facts.bookings(), question, Facts.Booking::bookingId, Facts.Booking::movieTitle);
        if (bookings.isEmpty()) {
            if (mentionsAnyKnownTitle(facts, question)) {
                answer.line("You have no booking for that. Your bookings are:");
            }
            bookings = facts.bookings();
        }
        for (Facts.Booking booking : bookings) {
            answer.cite("booking:" + booking.bookingId(), booking.movieTitle());
            answer.line("Booking " + booking.bookingId() + ": " + booking.movieTitle() + ", " + answer.time(booking.showStartsAt())
                    + ", " + booking.screen() + ", seats " + String.join(", ", booking.seats()) + ", " + amount(booking)
                    + ", " + booking.status().name().toLowerCase(Locale.ROOT) + ".");
        }
    }

    private static void prices(Answer answer, Facts facts, String question) {
        List<Facts.Show> shows = select(facts.shows(), question, Facts.Show::showId, Facts.Show::movieTitle);
        if (shows.isEmpty()) {
            shows = facts.shows();
        }
        boolean any = false;
        for (Facts.Show show : shows) {
            if (show.categories().isEmpty()) {
                continue;
            }
            any = true;
            answer.cite("show:" + show.showId(), show.movieTitle());
            StringBuilder line = new StringBuilder("Prices for " + show.movieTitle() + " at " + answer.time(show.startsAt()) + ": ");
            for (int i = 0; i < show.categories().size(); i++) {
                Facts.CategoryAvailability category = show.categories().get(i);
                line.append(i == 0 ? "" : "; ").append(category.category()).append(" ").append(category.price().render());
            }
            answer.line(line.append('.').toString());
        }
        if (!any) {
            answer.line("I was not given any ticket prices.");
        }
    }

    private static void showTimes(Answer answer, Facts facts, String question) {
        List<Facts.Show> shows = select(facts.shows(), question, Facts.Show::showId, Facts.Show::movieTitle);
        if (shows.isEmpty()) {
            return; // "when does X start" about a booking is covered by MY_BOOKINGS / CANCEL; nothing to add.
        }
        for (Facts.Show show : shows) {
            answer.cite("show:" + show.showId(), show.movieTitle());
            answer.line(show.movieTitle() + " starts at " + answer.time(show.startsAt()) + " in " + show.screen() + ".");
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
                || facts.holds().stream().anyMatch(h -> mentions(question, h.movieTitle()));
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

    private static String amount(Facts.Booking booking) {
        return booking.amount() == null ? "an amount I was not given" : booking.amount().render();
    }

    private static String bookingIds(List<Facts.Booking> bookings) {
        return String.join(", ", bookings.stream().map(b -> b.bookingId() + " (" + b.movieTitle() + ")").toList());
    }

    /** Collects lines and citations, and renders times in the request's zone. */
    private static final class Answer {
        final Instant now;
        final ZoneId zone;
        final List<String> lines = new ArrayList<>();
        final Set<FactualAnswer.Citation> citationSet = new LinkedHashSet<>();
        final List<FactualAnswer.Citation> citations = new ArrayList<>();

        Answer(Instant now, ZoneId zone) {
            this.now = now;
            this.zone = zone;
        }

        void line(String line) {
            if (!lines.contains(line)) {
                lines.add(line);
            }
        }

        void cite(String source, String title) {
            FactualAnswer.Citation citation = new FactualAnswer.Citation(source, title);
            if (citationSet.add(citation)) {
                citations.add(citation);
            }
        }

        String time(Instant instant) {
            return TIME.format(instant.atZone(zone)) + " " + zoneName();
        }

        String timeWithSeconds(Instant instant) {
            return TIME_WITH_SECONDS.format(instant.atZone(zone)) + " " + zoneName();
        }

        private String zoneName() {
            return zone.getId().equals("Z") ? "UTC" : zone.getId();
        }

        /** "1 hour 5 minutes" between now and {@code instant} (which is in the future). */
        String relative(Instant instant) {
            Duration left = Duration.between(now, instant);
            long hours = left.toHours();
            long minutes = left.toMinutesPart();
            long seconds = left.toSecondsPart();
            List<String> parts = new ArrayList<>();
            if (left.toDays() > 0) {
                parts.add(left.toDays() + (left.toDays() == 1 ? " day" : " days"));
                hours = left.toHoursPart();
            }
            if (hours > 0) {
                parts.add(hours + (hours == 1 ? " hour" : " hours"));
            }
            if (minutes > 0) {
                parts.add(minutes + (minutes == 1 ? " minute" : " minutes"));
            }
            if (parts.isEmpty() || (left.toHours() == 0 && seconds > 0)) {
                parts.add(seconds + (seconds == 1 ? " second" : " seconds"));
            }
            return String.join(" ", parts);
        }
    }
}
