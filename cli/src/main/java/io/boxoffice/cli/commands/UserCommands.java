package io.boxoffice.cli.commands;

import io.boxoffice.cli.client.BoxofficeApi;
import io.boxoffice.cli.client.BoxofficeApi.SeatChoice;
import io.boxoffice.cli.client.Session;
import io.boxoffice.cli.render.Formats;
import io.boxoffice.cli.render.SeatMapRenderer;
import io.boxoffice.cli.render.Views;
import io.boxoffice.proto.v1.AskChunk;
import io.boxoffice.proto.v1.AskRequest;
import io.boxoffice.proto.v1.Booking;
import io.boxoffice.proto.v1.Hold;
import io.boxoffice.proto.v1.ListBookingsResponse;
import io.boxoffice.proto.v1.ListHoldsResponse;
import io.boxoffice.proto.v1.ListMoviesResponse;
import io.boxoffice.proto.v1.ListShowsResponse;
import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The movie-goer's commands: the same actions as the menu, scriptable, with {@code --output json}. */
public final class UserCommands {

    private UserCommands() {
    }

    /** Options naming the seats to take: explicit ids, or best-available N of a category. */
    static final class SeatOptions {
        @Option(names = "--seats", split = ",", paramLabel = "A1,A2", description = "Seat ids.")
        List<String> seats;

        @Option(names = "--best", paramLabel = "N", description = "Best available N adjacent seats.")
        Integer best;

        @Option(names = "--category", paramLabel = "NAME", description = "Category for --best (default: any).")
        String category;

        SeatChoice choice() {
            boolean hasSeats = seats != null && !seats.isEmpty();
            if (hasSeats == (best != null)) {
                throw new IllegalArgumentException("give either --seats A1,A2 or --best N [--category NAME]");
            }
            if (hasSeats) {
                return SeatChoice.seats(seats.stream().map(seat -> seat.trim().toUpperCase(Locale.ROOT))
                        .filter(seat -> !seat.isEmpty()).toList());
            }
            if (best < 1) {
                throw new IllegalArgumentException("--best needs a positive number of seats");
            }
            return SeatChoice.best(best, category);
        }
    }

    @Command(name = "login", description = "Log in and keep the session in ~/.config/bookingctl/session (0600).")
    public static final class Login extends CommandBase {
        @Option(names = {"-u", "--username"}, description = "User name (prompted when absent).")
        String username;

        @Option(names = {"-p", "--password"}, description = "Password (prompted when absent; visible in `ps`, "
                + "prefer --password-stdin in scripts).")
        String password;

        @Option(names = "--password-stdin", description = "Read the password from the first line of stdin.")
        boolean passwordStdin;

        @Override
        public Integer call() throws IOException {
            CliContext context = context();
            String user = username != null ? username : prompt(context, "Username: ");
            String secret = password;
            if (secret == null) {
                secret = passwordStdin ? context.in().readLine() : readPassword(context);
            }
            if (user == null || user.isBlank() || secret == null) {
                throw new IllegalArgumentException("a user name and a password are needed");
            }
            Session session = context.api().login(user.trim(), secret);
            context.sessions().save(session);
            if (context.json()) {
                out().println("{\"username\": " + Output.quote(session.username()) + ", \"user_id\": "
                        + Output.quote(session.userId()) + ", \"roles\": [" + String.join(", ", session.roles().stream()
                        .map(Output::quote).toList()) + "], \"expires_at_millis\": " + session.expiresAtMillis() + "}");
            } else {
                out().println("Logged in as " + session.username() + " (" + String.join(", ", session.roles())
                        + "); session valid until " + Formats.showTime(session.expiresAtMillis(), context.zone()) + ".");
            }
            return 0;
        }

        private static String prompt(CliContext context, String text) throws IOException {
            context.out().print(text);
            context.out().flush();
            return context.in().readLine();
        }

        private static String readPassword(CliContext context) throws IOException {
            Console console = System.console();
            if (console != null) {
                char[] chars = console.readPassword("Password: ");
                return chars == null ? null : new String(chars);
            }
            return prompt(context, "Password: ");
        }
    }

    @Command(name = "logout", description = "Forget the stored session.")
    public static final class Logout extends CommandBase {
        @Override
        public Integer call() {
            boolean had = context().sessions().clear();
            out().println(had ? "Logged out." : "Not logged in.");
            return 0;
        }
    }

    @Command(name = "whoami", description = "Show the logged-in user.")
    public static final class WhoAmI extends CommandBase {
        @Override
        public Integer call() {
            CliContext context = context();
            Session session = context.session().orElseThrow(io.boxoffice.cli.client.NotLoggedInException::new);
            boolean expired = session.expired(context.clock().millis());
            out().println(session.username() + " (" + String.join(", ", session.roles()) + ")"
                    + (expired ? ", session expired: log in again" : ", session valid until "
                    + Formats.showTime(session.expiresAtMillis(), context.zone())));
            return expired ? 4 : 0;
        }
    }

    @Command(name = "movies", description = "List the movies.")
    public static final class Movies extends CommandBase {
        @Override
        public Integer call() {
            return answer(context().api().movies(), movies -> ListMoviesResponse.newBuilder().addAllMovies(movies),
                    movies -> Views.movies(movies, context().ansi()));
        }
    }

    @Command(name = "shows", description = "List the shows, in start-time order.")
    public static final class Shows extends CommandBase {
        @Option(names = "--movie", paramLabel = "MOVIE_ID", description = "Only this movie's shows.")
        String movieId;

        @Override
        public Integer call() {
            CliContext context = context();
            return answer(context.api().shows(movieId), shows -> ListShowsResponse.newBuilder().addAllShows(shows),
                    shows -> Views.shows(shows, context.zone(), context.ansi()));
        }
    }

    @Command(name = "seats", description = "Draw a show's seat map.")
    public static final class Seats extends CommandBase {
        @Parameters(index = "0", paramLabel = "SHOW_ID")
        String showId;

        @Override
        public Integer call() {
            return answer(context().api().seatMap(showId), map -> SeatMapRenderer.render(map, Set.of(), context().ansi()));
        }
    }

    @Command(name = "hold", description = "Hold seats of a show (all or nothing) until the hold expires.")
    public static final class HoldSeats extends CommandBase {
        @Parameters(index = "0", paramLabel = "SHOW_ID")
        String showId;

        @picocli.CommandLine.Mixin
        SeatOptions seats;

        @Option(names = "--idempotency-key", description = "Reuse to retry this exact request safely.")
        String key;

        @Override
        public Integer call() {
            CliContext context = context();
            return answer(context.api().hold(showId, seats.choice(), key), hold -> Views.hold(hold,
                    context.clock().millis()) + "Confirm with: bookingctl confirm " + hold.getId() + " --card "
                    + Cards.SUCCEEDS);
        }
    }

    @Command(name = "holds", description = "List my active holds.")
    public static final class Holds extends CommandBase {
        @Override
        public Integer call() {
            CliContext context = context();
            return answer(context.api().myHolds(), holds -> ListHoldsResponse.newBuilder().addAllHolds(holds),
                    holds -> Views.holds(holds, context.clock().millis(), context.ansi()));
        }
    }

    /** A change to one of my holds, answered with the hold as it is now. */
    abstract static class HoldChange extends CommandBase {
        @Parameters(index = "0", paramLabel = "HOLD_ID")
        String holdId;

        @Option(names = "--idempotency-key")
        String key;

        abstract Hold change(BoxofficeApi api);

        @Override
        public Integer call() {
            CliContext context = context();
            return answer(change(context.api()), hold -> Views.hold(hold, context.clock().millis()));
        }
    }

    @Command(name = "extend", description = "Extend an active hold (up to its maximum lifetime).")
    public static final class Extend extends HoldChange {
        @Override
        Hold change(BoxofficeApi api) {
            return api.extendHold(holdId, key);
        }
    }

    @Command(name = "release", description = "Release an active hold; its seats are free at once.")
    public static final class Release extends HoldChange {
        @Override
        Hold change(BoxofficeApi api) {
            return api.releaseHold(holdId, key);
        }
    }

    /** Card options of confirm and book. */
    static final class CardOptions {
        @Option(names = "--card", paramLabel = "NUMBER", defaultValue = Cards.SUCCEEDS,
                description = "Test card number (default: ${DEFAULT-VALUE}, which succeeds). Others: "
                        + "4000000000000002 declined, 4000000000009995 insufficient funds, "
                        + "4000000000000119 transient failure.")
        String card;

        @Option(names = "--cardholder", paramLabel = "NAME")
        String cardholder;
    }

    @Command(name = "confirm", description = "Pay for a hold and book its seats.")
    public static final class Confirm extends CommandBase {
        @Parameters(index = "0", paramLabel = "HOLD_ID")
        String holdId;

        @picocli.CommandLine.Mixin
        CardOptions card;

        @Option(names = "--idempotency-key")
        String key;

        @Override
        public Integer call() {
            CliContext context = context();
            return answer(context.api().confirmHold(holdId, Cards.payment(card.card, card.cardholder,
                    LocalDate.now(context.clock())), key), booking -> booked(context, booking));
        }
    }

    @Command(name = "book", description = "Hold, pay and book in one step. The call itself is the availability "
            + "check: a taken seat fails with exit status 3 and names the seat.")
    public static final class Book extends CommandBase {
        @Parameters(index = "0", paramLabel = "SHOW_ID")
        String showId;

        @picocli.CommandLine.Mixin
        SeatOptions seats;

        @picocli.CommandLine.Mixin
        CardOptions card;

        @Option(names = "--idempotency-key", description = "Reuse to retry this exact request safely.")
        String key;

        @Override
        public Integer call() {
            CliContext context = context();
            return answer(context.api().book(showId, seats.choice(), Cards.payment(card.card, card.cardholder,
                    LocalDate.now(context.clock())), key), booking -> booked(context, booking));
        }
    }

    static String booked(CliContext context, Booking booking) {
        return context.ansi().boldGreen("Booked ") + booking.getId() + ": " + Views.seats(booking.getSeatsList())
                + " for " + Formats.money(booking.getAmount()) + (booking.getMovieTitle().isEmpty() ? ""
                : " (" + booking.getMovieTitle() + ", " + Formats.showTime(booking.getShowStartsAtMillis(),
                context.zone()) + ")");
    }

    @Command(name = "bookings", description = "List my bookings, newest first.")
    public static final class Bookings extends CommandBase {
        @Override
        public Integer call() {
            CliContext context = context();
            return answer(context.api().myBookings(), bookings -> ListBookingsResponse.newBuilder()
                    .addAllBookings(bookings), bookings -> Views.bookings(bookings, context.zone(), context.ansi()));
        }
    }

    @Command(name = "booking", description = "Show one booking with its payment, refunds and history.")
    public static final class ShowBooking extends CommandBase {
        @Parameters(index = "0", paramLabel = "BOOKING_ID")
        String bookingId;

        @Override
        public Integer call() {
            CliContext context = context();
            return answer(context.api().booking(bookingId), booking -> Views.booking(booking, context.zone(),
                    context.ansi()));
        }
    }

    @Command(name = "cancel", description = "Cancel a booking: a full refund up to the cluster's cut-off before the "
            + "show, none after (`bookingctl booking BOOKING_ID` shows the cut-off).")
    public static final class Cancel extends CommandBase {
        @Parameters(index = "0", paramLabel = "BOOKING_ID")
        String bookingId;

        @Option(names = "--reason")
        String reason;

        @Option(names = "--idempotency-key")
        String key;

        @Override
        public Integer call() {
            return answer(context().api().cancel(bookingId, reason, key), booking -> "Cancelled " + booking.getId()
                    + "; refunded " + Formats.money(booking.getRefunded()) + " of " + Formats.money(booking.getAmount())
                    + ".");
        }
    }

    @Command(name = "ask", description = "Ask the assistant; the answer streams in. When you ask it to do something "
            + "(\"cancel my Dune booking\", \"hold 2 premium seats for Dune tonight\"), it proposes one action with its "
            + "consequences and bookingctl asks y/N before doing it as you (never with --output json).")
    public static final class Ask extends CommandBase {
        @Parameters(paramLabel = "QUESTION", arity = "1..*")
        String[] question;

        @Option(names = "--facts-only", description = "Skip the language model.")
        boolean factsOnly;

        @Override
        public Integer call() {
            CliContext context = context();
            AskRequest request = AskRequest.newBuilder().setQuestion(String.join(" ", Arrays.asList(question)))
                    .setTimeZone(context.zone().getId()).setFactsOnly(factsOnly).build();
            BoxofficeApi api = context.api();
            if (context.json()) {
                api.ask(request, chunk -> out().println(Output.json(chunk).replaceAll("\\s*\\n\\s*", " ")));
            } else {
                AnswerPrinter printer = new AnswerPrinter(out(), context.ansi());
                api.ask(request, printer::accept);
                printer.finish();
                if (printer.proposedAction() != null) {
                    AssistantActions.Outcome outcome = AssistantActions.confirmAndRun(printer.proposedAction(),
                            prompt -> readLine(context, prompt), api);
                    out().println(AssistantActions.describe(outcome, context.clock().millis()));
                    if (outcome instanceof AssistantActions.Outcome.Held held) {
                        out().println("Confirm with: bookingctl confirm " + held.hold().getId() + " --card " + Cards.SUCCEEDS);
                    }
                }
            }
            return 0;
        }

        private static String readLine(CliContext context, String prompt) {
            context.out().print(prompt);
            context.out().flush();
            try {
                return context.in().readLine();
            } catch (java.io.IOException e) {
                return null; // no answer is no
            }
        }
    }

    /**
     * Prints an assistant stream as it arrives: facts first, then the model's text, then the service's note
     * (which says when the model is not loaded, so the printer does not say it again). Keeps the proposed
     * action, if any, for the caller to confirm.
     */
    public static final class AnswerPrinter {
        private final PrintWriter out;
        private final io.boxoffice.cli.render.Ansi ansi;
        private boolean generating;
        private io.boxoffice.proto.v1.AssistantAction proposedAction;

        public AnswerPrinter(PrintWriter out, io.boxoffice.cli.render.Ansi ansi) {
            this.out = out;
            this.ansi = ansi;
        }

        public void accept(AskChunk chunk) {
            switch (chunk.getChunkCase()) {
                case ANSWER -> {
                    out.println(chunk.getAnswer().getText());
                    if (chunk.getAnswer().getCitationsCount() > 0) {
                        out.println(ansi.grey("Sources: " + String.join(", ", chunk.getAnswer().getCitationsList()
                                .stream().map(c -> c.getTitle().isEmpty() ? c.getSource() : c.getTitle()).toList())));
                    }
                    if (chunk.getAnswer().hasProposedAction()) {
                        proposedAction = chunk.getAnswer().getProposedAction();
                    }
                }
                case GENERATED_TEXT -> {
                    if (!generating) {
                        out.print(ansi.grey("Assistant: "));
                        generating = true;
                    }
                    out.print(chunk.getGeneratedText());
                }
                case DONE -> {
                    if (generating) {
                        out.println();
                        generating = false;
                    }
                    if (!chunk.getDone().getNote().isEmpty()) {
                        out.println(ansi.grey("(" + chunk.getDone().getNote() + ")"));
                    }
                }
                case CHUNK_NOT_SET -> {
                }
            }
            out.flush();
        }

        public void finish() {
            if (generating) {
                out.println();
            }
            out.flush();
        }

        /** The action the assistant proposed, or null. */
        public io.boxoffice.proto.v1.AssistantAction proposedAction() {
            return proposedAction;
        }
    }
}
