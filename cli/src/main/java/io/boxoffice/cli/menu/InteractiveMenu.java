package io.boxoffice.cli.menu;

import io.boxoffice.cli.client.BoxofficeApi;
import io.boxoffice.cli.client.BoxofficeApi.SeatChoice;
import io.boxoffice.cli.client.ErrorExplainer;
import io.boxoffice.cli.client.IdempotencyKeys;
import io.boxoffice.cli.client.NotLoggedInException;
import io.boxoffice.cli.client.Session;
import io.boxoffice.cli.client.SessionStore;
import io.boxoffice.cli.commands.AssistantActions;
import io.boxoffice.cli.commands.Cards;
import io.boxoffice.cli.commands.UserCommands;
import io.boxoffice.cli.render.Ansi;
import io.boxoffice.cli.render.Formats;
import io.boxoffice.cli.render.SeatMapRenderer;
import io.boxoffice.cli.render.Views;
import io.boxoffice.proto.v1.AskRequest;
import io.boxoffice.proto.v1.Booking;
import io.boxoffice.proto.v1.BookingStatus;
import io.boxoffice.proto.v1.Hold;
import io.boxoffice.proto.v1.Movie;
import io.boxoffice.proto.v1.SeatLine;
import io.boxoffice.proto.v1.SeatMap;
import io.boxoffice.proto.v1.Show;
import io.boxoffice.proto.v1.ShowStatus;
import io.grpc.Status;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The interactive menu: log in, movies and shows, book (seat map, hold with a countdown, payment), my
 * bookings, cancel with the policy's refund, ask the assistant, log out. Every failure a user can meet is
 * shown as one line ({@link ErrorExplainer}) and the menu goes on; nothing prints a stack trace.
 */
public final class InteractiveMenu {

    private final Terminal terminal;
    private final SessionStore sessions;
    private final Function<Session, BoxofficeApi> apiFor;
    private final BoxofficeApi anonymous;
    private final Clock clock;
    private final ZoneId zone;
    private final Ansi ansi;

    public InteractiveMenu(Terminal terminal, SessionStore sessions, Function<Session, BoxofficeApi> apiFor,
                           BoxofficeApi anonymous, Clock clock, ZoneId zone) {
        this.terminal = terminal;
        this.sessions = sessions;
        this.apiFor = apiFor;
        this.anonymous = anonymous;
        this.clock = clock;
        this.zone = zone;
        this.ansi = terminal.ansi();
    }

    /** Runs until the user quits or the input ends; returns the exit status. */
    public int run() {
        terminal.println(ansi.bold("Boxoffice") + " — book movie tickets. Type the number of an action.");
        while (true) {
            Optional<Session> session = currentSession();
            String choice;
            if (session.isEmpty()) {
                terminal.println("");
                terminal.println("Not logged in.   1) Log in   0) Quit");
                choice = terminal.readLine("> ");
                if (choice == null || choice.trim().equals("0") || choice.trim().equalsIgnoreCase("q")) {
                    terminal.println("Bye.");
                    return 0;
                }
                guarded(() -> {
                    if (choice.trim().equals("1")) {
                        login();
                    } else if (!choice.isBlank()) {
                        terminal.println(warn("Unknown choice '" + choice.trim() + "': type 1 to log in or 0 to quit."));
                    }
                });
                continue;
            }
            printMainMenu(session.get());
            choice = terminal.readLine("> ");
            if (choice == null || choice.trim().equals("0") || choice.trim().equalsIgnoreCase("q")) {
                terminal.println("Bye.");
                return 0;
            }
            BoxofficeApi api = apiFor.apply(session.get());
            switch (choice.trim()) {
                case "1" -> guarded(() -> movies(api));
                case "2" -> guarded(() -> book(api));
                case "3" -> guarded(() -> myBookings(api));
                case "4" -> guarded(() -> cancel(api));
                case "5" -> guarded(() -> ask(api));
                case "6" -> guarded(this::logout);
                case "" -> { }
                default -> terminal.println(warn("Unknown choice '" + choice.trim() + "': type a number from the menu."));
            }
        }
    }

    private void printMainMenu(Session session) {
        terminal.println("");
        terminal.println(ansi.bold("Logged in as " + session.username()) + "   1) Movies and shows   2) Book tickets   "
                + "3) My bookings   4) Cancel a booking   5) Ask the assistant   6) Log out   0) Quit");
    }

    private Optional<Session> currentSession() {
        try {
            return sessions.load().filter(session -> !session.expired(clock.millis()));
        } catch (RuntimeException e) {
            terminal.println(warn(ErrorExplainer.explain(e)));
            return Optional.empty();
        }
    }

    /** Runs one action; a failure becomes a one-line message, and an invalid session is forgotten. */
    private void guarded(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException failure) {
            terminal.println(error(ErrorExplainer.explain(failure)));
            if (ErrorExplainer.codeOf(failure) == Status.Code.UNAUTHENTICATED || failure instanceof NotLoggedInException) {
                sessions.clear();
            }
        }
    }

    private String error(String text) {
        return ansi.red("✗ ") + text;
    }

    private String warn(String text) {
        return ansi.yellow("! ") + text;
    }

    private String ok(String text) {
        return ansi.green("✓ ") + text;
    }

    // ------------------------------------------------------------------ login / logout

    private void login() {
        String username = terminal.readLine("Username: ");
        if (username == null || username.isBlank()) {
            terminal.println(warn("No user name given: nothing changed."));
            return;
        }
        String password = terminal.readSecret("Password: ");
        if (password == null || password.isEmpty()) {
            terminal.println(warn("No password given: nothing changed."));
            return;
        }
        Session session = anonymous.login(username.trim(), password);
        sessions.save(session);
        terminal.println(ok("Welcome, " + session.username() + "."));
    }

    private void logout() {
        sessions.clear();
        terminal.println(ok("Logged out."));
    }

    // ------------------------------------------------------------------ movies and shows

    private void movies(BoxofficeApi api) {
        List<Movie> movies = api.movies();
        terminal.print(Views.movies(movies, ansi));
        if (movies.isEmpty()) {
            return;
        }
        Integer pick = pickNumber("Movie number to see its shows (Enter = back): ", movies.size());
        if (pick == null) {
            return;
        }
        Movie movie = movies.get(pick - 1);
        terminal.println(ansi.bold(movie.getTitle()) + (movie.getDescription().isEmpty() ? ""
                : " — " + movie.getDescription()));
        terminal.print(Views.shows(api.shows(movie.getId()), zone, ansi));
    }

    // ------------------------------------------------------------------ booking

    private void book(BoxofficeApi api) {
        List<Show> shows = api.shows(null).stream()
                .filter(show -> show.getStatus() != ShowStatus.SHOW_STATUS_CANCELLED)
                .filter(show -> show.getStartsAtMillis() > clock.millis()).toList();
        if (shows.isEmpty()) {
            terminal.println("No upcoming shows.");
            return;
        }
        terminal.print(Views.shows(shows, zone, ansi));
        Integer pick = pickNumber("Show number (Enter = back): ", shows.size());
        if (pick == null) {
            return;
        }
        Show show = shows.get(pick - 1);
        Hold hold = holdSeats(api, show);
        if (hold != null) {
            pay(api, hold);
        }
    }

    /** Draws the map and asks for seats until a hold succeeds or the user goes back. */
    private Hold holdSeats(BoxofficeApi api, Show show) {
        while (true) {
            SeatMap map = api.seatMap(show.getId());
            terminal.println(ansi.bold(show.getMovieTitle() + ", " + show.getScreenName() + ", "
                    + Formats.showTime(show.getStartsAtMillis(), zone)));
            terminal.print(SeatMapRenderer.render(map, Set.of(), ansi));
            String input = terminal.readLine("Seats (e.g. C5,C6), or 'best N [category]' (Enter = back): ");
            if (input == null || input.isBlank()) {
                return null;
            }
            SeatChoice choice;
            try {
                choice = parseSeatChoice(input, map);
            } catch (IllegalArgumentException e) {
                terminal.println(warn(e.getMessage()));
                continue;
            }
            try {
                Hold hold = api.hold(show.getId(), choice, IdempotencyKeys.newKey());
                Set<String> held = new HashSet<>();
                hold.getSeatsList().forEach(seat -> held.add(seat.getSeatId()));
                terminal.print(SeatMapRenderer.render(api.seatMap(show.getId()), held, ansi));
                return hold;
            } catch (RuntimeException failure) {
                if (ErrorExplainer.codeOf(failure) != Status.Code.FAILED_PRECONDITION
                        && ErrorExplainer.codeOf(failure) != Status.Code.INVALID_ARGUMENT) {
                    throw failure;
                }
                terminal.println(error(ErrorExplainer.explain(failure)));
            }
        }
    }

    /**
     * Parses "C5,C6" or "best 2 [category]"; seat ids are checked against the map so a typo gets a precise
     * message. Whether the seats are free is for the node to decide: the hold is the availability check.
     */
    static SeatChoice parseSeatChoice(String input, SeatMap map) {
        String trimmed = input.trim();
        String[] words = trimmed.split("\\s+");
        if (words[0].equalsIgnoreCase("best")) {
            if (words.length < 2 || words.length > 3 || !words[1].matches("[0-9]{1,2}") || Integer.parseInt(words[1]) < 1) {
                throw new IllegalArgumentException("Type 'best N' or 'best N category', for example 'best 2' or "
                        + "'best 2 premium'.");
            }
            return SeatChoice.best(Integer.parseInt(words[1]), words.length == 3 ? words[2] : "");
        }
        List<String> seats = new ArrayList<>();
        for (String part : trimmed.split("[,\\s]+")) {
            String seat = part.trim().toUpperCase(Locale.ROOT);
            if (seat.isEmpty()) {
                continue;
            }
            if (!seat.matches("[A-Z][0-9]{1,2}")) {
                throw new IllegalArgumentException("'" + part + "' is not a seat: a seat is a row letter and a number, "
                        + "for example C5.");
            }
            if (SeatMapRenderer.find(map, seat) == null) {
                throw new IllegalArgumentException("Seat " + seat + " does not exist in this screen.");
            }
            if (seats.contains(seat)) {
                throw new IllegalArgumentException("Seat " + seat + " is listed twice.");
            }
            seats.add(seat);
        }
        if (seats.isEmpty()) {
            throw new IllegalArgumentException("No seat given: type seats like C5,C6.");
        }
        return SeatChoice.seats(seats);
    }

    /** Payment prompt with the hold's countdown; loops on declined cards while the hold lives. */
    private void pay(BoxofficeApi api, Hold hold) {
        terminal.println(ok("Held " + Views.seats(hold.getSeatsList()) + " for " + Formats.money(hold.getAmount())
                + " (hold " + hold.getId() + ")."));
        for (SeatLine seat : hold.getSeatsList()) {
            terminal.println("    " + seat.getSeatId() + "  " + seat.getCategory() + "  " + Formats.money(seat.getPrice()));
        }
        terminal.print(Cards.listing());
        try (HoldCountdown countdown = HoldCountdown.start(terminal, hold, clock)) {
            while (true) {
                countdown.printStatusLine();
                String input = terminal.readLine("Card number (Enter = " + Cards.SUCCEEDS + ", 'r' = release the "
                        + "hold" + (countdown.live() ? "" : ", hold expires in " + countdown.remaining()) + "): ");
                if (input == null) {
                    return;
                }
                if (countdown.expired()) {
                    terminal.println(error("The hold expired: the seats were released. Book again."));
                    return;
                }
                if (input.trim().equalsIgnoreCase("r")) {
                    api.releaseHold(hold.getId(), IdempotencyKeys.newKey());
                    terminal.println(ok("Released the hold; the seats are free again."));
                    return;
                }
                String card;
                try {
                    card = Cards.normalize(input.isBlank() ? Cards.SUCCEEDS : input);
                } catch (IllegalArgumentException e) {
                    terminal.println(warn("Invalid card number: " + e.getMessage() + "."));
                    continue;
                }
                try {
                    Booking booking = api.confirmHold(hold.getId(), Cards.payment(card, "", LocalDate.now(clock)),
                            IdempotencyKeys.newKey());
                    countdown.close();
                    terminal.println(ok("Booked " + booking.getId() + ": " + Views.seats(booking.getSeatsList())
                            + ", paid " + Formats.money(booking.getAmount()) + "."));
                    return;
                } catch (RuntimeException failure) {
                    Status.Code code = ErrorExplainer.codeOf(failure);
                    terminal.println(error(ErrorExplainer.explain(failure)));
                    if (code != Status.Code.FAILED_PRECONDITION && code != Status.Code.UNAVAILABLE
                            && code != Status.Code.INVALID_ARGUMENT) {
                        return;
                    }
                    if (stillActive(api, hold) == null) {
                        terminal.println(warn("The hold is no longer active: book again."));
                        return;
                    }
                }
            }
        }
    }

    /** The hold when it is still active, else {@code null}. */
    private static Hold stillActive(BoxofficeApi api, Hold hold) {
        for (Hold mine : api.myHolds()) {
            if (mine.getId().equals(hold.getId()) && mine.getStatus() == io.boxoffice.proto.v1.HoldStatus.HOLD_STATUS_ACTIVE) {
                return mine;
            }
        }
        return null;
    }

    // ------------------------------------------------------------------ bookings and cancellation

    private void myBookings(BoxofficeApi api) {
        List<Booking> bookings = api.myBookings();
        terminal.print(Views.bookings(bookings, zone, ansi));
        if (bookings.isEmpty()) {
            return;
        }
        Integer pick = pickNumber("Booking number for details (Enter = back): ", bookings.size());
        if (pick != null) {
            terminal.print(Views.booking(api.booking(bookings.get(pick - 1).getId()), zone, ansi));
        }
    }

    private void cancel(BoxofficeApi api) {
        List<Booking> bookings = api.myBookings().stream()
                .filter(booking -> booking.getStatus() == BookingStatus.BOOKING_STATUS_CONFIRMED).toList();
        if (bookings.isEmpty()) {
            terminal.println("No confirmed bookings to cancel.");
            return;
        }
        terminal.print(Views.bookings(bookings, zone, ansi));
        Integer pick = pickNumber("Booking number to cancel (Enter = back): ", bookings.size());
        if (pick == null) {
            return;
        }
        Booking booking = bookings.get(pick - 1);
        terminal.println(refundPreview(booking, clock.millis()));
        String answer = terminal.readLine("Cancel booking " + booking.getId() + "? [y/N] ");
        if (answer == null || !answer.trim().toLowerCase(Locale.ROOT).startsWith("y")) {
            terminal.println("Kept the booking.");
            return;
        }
        Booking cancelled = api.cancel(booking.getId(), "cancelled in bookingctl", IdempotencyKeys.newKey());
        terminal.println(ok("Cancelled " + cancelled.getId() + "; refunded " + Formats.money(cancelled.getRefunded())
                + " of " + Formats.money(cancelled.getAmount()) + "."));
    }

    /**
     * What cancelling now gives, from the policy the server states on the booking itself
     * ({@code full_refund_until_millis}: a full refund up to then, none after); the window is the cluster's
     * setting, never assumed here. A server that does not say gets the policy's shape without numbers.
     */
    static String refundPreview(Booking booking, long nowMillis) {
        long showStart = booking.getShowStartsAtMillis();
        long fullRefundUntil = booking.getFullRefundUntilMillis();
        if (showStart <= 0) {
            return POLICY;
        }
        long before = showStart - nowMillis;
        if (before <= 0) {
            return "The show has started: it can no longer be cancelled.";
        }
        if (fullRefundUntil <= 0) {
            return "The show starts in " + Formats.duration(Duration.ofMillis(before)) + ": " + POLICY;
        }
        String window = Formats.duration(Duration.ofMillis(showStart - fullRefundUntil));
        if (nowMillis <= fullRefundUntil) {
            return "The show starts in " + Formats.duration(Duration.ofMillis(before)) + ": you get a full refund of "
                    + Formats.money(booking.getAmount()) + ". (Full refunds end " + window + " before the show.)";
        }
        return "The show starts in less than " + window + " (" + Formats.duration(Duration.ofMillis(before))
                + "): the policy gives no refund.";
    }

    private static final String POLICY = "the refund follows the cluster's policy: a full refund up to its cut-off "
            + "before the show, none after; the amount is shown once cancelled.";

    // ------------------------------------------------------------------ assistant

    private void ask(BoxofficeApi api) {
        String question = terminal.readLine("Your question (Enter = back): ");
        if (question == null || question.isBlank()) {
            return;
        }
        TerminalWriter buffer = new TerminalWriter(terminal);
        UserCommands.AnswerPrinter printer = new UserCommands.AnswerPrinter(buffer.writer(), ansi);
        api.ask(AskRequest.newBuilder().setQuestion(question.trim()).setTimeZone(zone.getId()).build(), printer::accept);
        printer.finish();
        if (printer.proposedAction() == null) {
            return;
        }
        AssistantActions.Outcome outcome = AssistantActions.confirmAndRun(printer.proposedAction(), terminal::readLine, api);
        switch (outcome) {
            case AssistantActions.Outcome.Declined declined -> terminal.println(AssistantActions.NOTHING_CHANGED);
            case AssistantActions.Outcome.Cancelled cancelled -> terminal.println(ok(AssistantActions.describe(outcome,
                    clock.millis())));
            case AssistantActions.Outcome.Held held -> pay(api, held.hold()); // the usual payment prompt, with its countdown
        }
    }

    // ------------------------------------------------------------------ input helpers

    /** A number in 1..max, or {@code null} for Enter; asks again on anything else. */
    private Integer pickNumber(String prompt, int max) {
        while (true) {
            String input = terminal.readLine(prompt);
            if (input == null || input.isBlank()) {
                return null;
            }
            try {
                int number = Integer.parseInt(input.trim());
                if (number >= 1 && number <= max) {
                    return number;
                }
            } catch (NumberFormatException e) {
                // Asked again below.
            }
            terminal.println(warn("Type a number from 1 to " + max + ", or press Enter to go back."));
        }
    }
}
