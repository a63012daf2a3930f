package io.boxoffice.cli.commands;

import io.boxoffice.cli.render.Formats;
import io.boxoffice.cli.render.Views;
import io.boxoffice.proto.v1.CreateMovieRequest;
import io.boxoffice.proto.v1.CreateScreenRequest;
import io.boxoffice.proto.v1.CreateShowRequest;
import io.boxoffice.proto.v1.CreateUserRequest;
import io.boxoffice.proto.v1.ListAllBookingsRequest;
import io.boxoffice.proto.v1.ListScreensResponse;
import io.boxoffice.proto.v1.Money;
import io.boxoffice.proto.v1.Movie;
import io.boxoffice.proto.v1.RefundBookingRequest;
import io.boxoffice.proto.v1.Screen;
import io.boxoffice.proto.v1.ScreenLayout;
import io.boxoffice.proto.v1.SeatCategory;
import io.boxoffice.proto.v1.Show;
import io.boxoffice.proto.v1.UpdateMovieRequest;
import io.boxoffice.proto.v1.UpdateShowRequest;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Admin commands (the admin role is needed): catalogue, users and refunds. */
public final class AdminCommands {

    private AdminCommands() {
    }

    @Command(name = "movie", description = "Create or update movies (admin).",
            subcommands = {MovieCreate.class, MovieUpdate.class})
    public static final class MovieCommand {
    }

    @Command(name = "create", description = "Create a movie.")
    public static final class MovieCreate extends CommandBase {
        @Option(names = "--title", required = true)
        String title;
        @Option(names = "--description", defaultValue = "")
        String description;
        @Option(names = "--minutes", required = true, description = "Running time in minutes.")
        int minutes;
        @Option(names = "--rating", defaultValue = "", description = "Age rating label, e.g. PG-13.")
        String rating;
        @Option(names = "--genres", split = ",")
        List<String> genres = new ArrayList<>();
        @Option(names = "--idempotency-key")
        String key;

        @Override
        public Integer call() {
            Movie movie = context().api().createMovie(CreateMovieRequest.newBuilder().setTitle(title)
                    .setDescription(description).setDurationMinutes(minutes).setAgeRating(rating)
                    .addAllGenres(genres).setIdempotencyKey(key == null ? "" : key).build());
            return answer(movie, created -> "Created movie " + created.getId() + " (" + created.getTitle() + ")");
        }
    }

    @Command(name = "update", description = "Update a movie; options not given keep their value.")
    public static final class MovieUpdate extends CommandBase {
        @Parameters(index = "0", paramLabel = "MOVIE_ID")
        String movieId;
        @Option(names = "--title")
        String title;
        @Option(names = "--description")
        String description;
        @Option(names = "--minutes")
        Integer minutes;
        @Option(names = "--rating")
        String rating;
        @Option(names = "--genres", split = ",", description = "Replaces the genres.")
        List<String> genres;

        @Override
        public Integer call() {
            UpdateMovieRequest.Builder request = UpdateMovieRequest.newBuilder().setMovieId(movieId);
            if (title != null) {
                request.setTitle(title);
            }
            if (description != null) {
                request.setDescription(description);
            }
            if (minutes != null) {
                request.setDurationMinutes(minutes);
            }
            if (rating != null) {
                request.setAgeRating(rating);
            }
            if (genres != null) {
                request.addAllGenres(genres).setReplaceGenres(true);
            }
            return answer(context().api().updateMovie(request.build()), movie -> "Updated movie " + movie.getId());
        }
    }

    @Command(name = "screen", description = "List or create screens (admin).",
            subcommands = {ScreenList.class, ScreenCreate.class})
    public static final class ScreenCommand {
    }

    @Command(name = "list", description = "List the screens.")
    public static final class ScreenList extends CommandBase {
        @Override
        public Integer call() {
            return answer(context().api().screens(), screens -> ListScreensResponse.newBuilder().addAllScreens(screens),
                    screens -> Views.screens(screens, context().ansi()));
        }
    }

    @Command(name = "create", description = "Create a screen with a seat layout.")
    public static final class ScreenCreate extends CommandBase {
        @Option(names = "--name", required = true)
        String name;
        @Option(names = "--rows", required = true, description = "Rows, lettered A.. from the front (1..26).")
        int rows;
        @Option(names = "--seats-per-row", required = true, description = "1..60.")
        int seatsPerRow;
        @Option(names = "--category", paramLabel = "NAME:PRICE:ROWS",
                description = "A price category, e.g. standard:12.00:A-H or premium:16.50:I-J (repeatable; "
                        + "default: standard:12.00 on every row).")
        List<String> categories = new ArrayList<>();
        @Option(names = "--currency", defaultValue = "EUR")
        String currency;
        @Option(names = "--blocked", split = ",", paramLabel = "SEAT", description = "Seats never sold.")
        List<String> blocked = new ArrayList<>();
        @Option(names = "--idempotency-key")
        String key;

        @Override
        public Integer call() {
            ScreenLayout.Builder layout = ScreenLayout.newBuilder().setRowCount(rows).setSeatsPerRow(seatsPerRow)
                    .addAllBlockedSeatIds(blocked);
            List<String> specs = categories.isEmpty() ? List.of("standard:12.00:A-" + rowLetter(rows)) : categories;
            for (String spec : specs) {
                layout.addCategories(parseCategory(spec, currency));
            }
            Screen screen = context().api().createScreen(CreateScreenRequest.newBuilder().setName(name)
                    .setLayout(layout).setIdempotencyKey(key == null ? "" : key).build());
            return answer(screen, created -> "Created screen " + created.getId() + " (" + created.getName() + ")");
        }
    }

    static String rowLetter(int rowNumber) {
        if (rowNumber < 1 || rowNumber > 26) {
            throw new IllegalArgumentException("rows must be between 1 and 26");
        }
        return String.valueOf((char) ('A' + rowNumber - 1));
    }

    /** {@code name:price:rows}, rows as {@code A-H}, {@code K}, or several joined by {@code /} ({@code A-C/F}). */
    static SeatCategory parseCategory(String spec, String currency) {
        String[] parts = spec.split(":");
        if (parts.length != 3) {
            throw new IllegalArgumentException("category '" + spec + "' must be NAME:PRICE:ROWS, e.g. standard:12.00:A-H");
        }
        SeatCategory.Builder category = SeatCategory.newBuilder().setName(parts[0].trim())
                .setPrice(Money.newBuilder().setAmountMinor(minorUnits(parts[1].trim()))
                        .setCurrency(currency.toUpperCase(Locale.ROOT)));
        for (String range : parts[2].split("/")) {
            String trimmed = range.trim().toUpperCase(Locale.ROOT);
            if (trimmed.matches("[A-Z]")) {
                category.addRows(trimmed);
            } else if (trimmed.matches("[A-Z]-[A-Z]") && trimmed.charAt(0) <= trimmed.charAt(2)) {
                for (char row = trimmed.charAt(0); row <= trimmed.charAt(2); row++) {
                    category.addRows(String.valueOf(row));
                }
            } else {
                throw new IllegalArgumentException("rows '" + range + "' of category '" + spec
                        + "' must be a letter or a range like A-H");
            }
        }
        return category.build();
    }

    static long minorUnits(String price) {
        try {
            return new BigDecimal(price).movePointRight(2).longValueExact();
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("price '" + price + "' must be a number with at most two decimals");
        }
    }

    @Command(name = "show", description = "Schedule, reschedule or cancel shows (admin).",
            subcommands = {ShowCreate.class, ShowReschedule.class, ShowCancel.class})
    public static final class ShowCommand {
    }

    @Command(name = "create", description = "Schedule a show.")
    public static final class ShowCreate extends CommandBase {
        @Option(names = "--movie", required = true, paramLabel = "MOVIE_ID")
        String movieId;
        @Option(names = "--screen", required = true, paramLabel = "SCREEN_ID")
        String screenId;
        @Option(names = "--starts", required = true, paramLabel = "TIME",
                description = "Start: 2030-05-01T20:00 (local), 2030-05-01T20:00+02:00, or in 3h / in 2d.")
        String starts;
        @Option(names = "--idempotency-key")
        String key;

        @Override
        public Integer call() {
            CliContext context = context();
            Show show = context.api().createShow(CreateShowRequest.newBuilder().setMovieId(movieId)
                    .setScreenId(screenId).setStartsAtMillis(parseTime(starts, context.clock().millis(), context.zone()))
                    .setIdempotencyKey(key == null ? "" : key).build());
            return answer(show, created -> "Created show " + created.getId() + " at "
                    + Formats.showTime(created.getStartsAtMillis(), context.zone()));
        }
    }

    @Command(name = "reschedule", description = "Move a show to another start time.")
    public static final class ShowReschedule extends CommandBase {
        @Parameters(index = "0", paramLabel = "SHOW_ID")
        String showId;
        @Option(names = "--starts", required = true, paramLabel = "TIME")
        String starts;

        @Override
        public Integer call() {
            CliContext context = context();
            Show show = context.api().updateShow(UpdateShowRequest.newBuilder().setShowId(showId)
                    .setStartsAtMillis(parseTime(starts, context.clock().millis(), context.zone())).build());
            return answer(show, moved -> "Show " + moved.getId() + " now starts "
                    + Formats.showTime(moved.getStartsAtMillis(), context.zone()));
        }
    }

    @Command(name = "cancel", description = "Cancel a show: its holds are released, its bookings refunded in full.")
    public static final class ShowCancel extends CommandBase {
        @Parameters(index = "0", paramLabel = "SHOW_ID")
        String showId;

        @Override
        public Integer call() {
            return answer(context().api().updateShow(UpdateShowRequest.newBuilder().setShowId(showId).setCancel(true)
                    .build()), show -> "Cancelled show " + show.getId());
        }
    }

    /** {@code in 3h}, {@code in 90m}, {@code in 2d}, or an ISO date-time (local to {@code zone} without offset). */
    static long parseTime(String text, long nowMillis, ZoneId zone) {
        String trimmed = text.trim();
        if (trimmed.startsWith("in ")) {
            String amount = trimmed.substring(3).trim().toLowerCase(Locale.ROOT);
            try {
                long value = Long.parseLong(amount.substring(0, amount.length() - 1));
                Duration duration = switch (amount.charAt(amount.length() - 1)) {
                    case 'm' -> Duration.ofMinutes(value);
                    case 'h' -> Duration.ofHours(value);
                    case 'd' -> Duration.ofDays(value);
                    default -> throw new IllegalArgumentException("unit must be m, h or d");
                };
                return nowMillis + duration.toMillis();
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("time '" + text + "' must look like 'in 90m', 'in 3h' or 'in 2d'");
            }
        }
        try {
            return OffsetDateTime.parse(trimmed).toInstant().toEpochMilli();
        } catch (DateTimeParseException withoutOffset) {
            try {
                return LocalDateTime.parse(trimmed).atZone(zone).toInstant().toEpochMilli();
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("time '" + text + "' must be ISO-8601 like 2030-05-01T20:00");
            }
        }
    }

    @Command(name = "user", description = "Create users (admin).", subcommands = UserCreate.class)
    public static final class UserCommand {
    }

    @Command(name = "create", description = "Create a user.")
    public static final class UserCreate extends CommandBase {
        @Parameters(index = "0", paramLabel = "USERNAME")
        String username;
        @Option(names = "--password", required = true, description = "8..128 characters.")
        String password;
        @Option(names = "--admin", description = "Give the admin role too.")
        boolean admin;

        @Override
        public Integer call() {
            CreateUserRequest.Builder request = CreateUserRequest.newBuilder().setUsername(username)
                    .setPassword(password).addRoles("user");
            if (admin) {
                request.addRoles("admin");
            }
            return answer(context().api().createUser(request.build()), user -> "Created user " + user.getUsername()
                    + " (" + user.getId() + ")");
        }
    }

    @Command(name = "refund", description = "Refund a booking regardless of the policy (admin).")
    public static final class Refund extends CommandBase {
        @Parameters(index = "0", paramLabel = "BOOKING_ID")
        String bookingId;
        @Option(names = "--reason", required = true)
        String reason;
        @Option(names = "--amount", description = "Amount, e.g. 6.00 (default: everything not yet refunded).")
        String amount;
        @Option(names = "--currency", defaultValue = "EUR")
        String currency;

        @Override
        public Integer call() {
            RefundBookingRequest.Builder request = RefundBookingRequest.newBuilder().setBookingId(bookingId)
                    .setReason(reason);
            if (amount != null) {
                request.setAmount(Money.newBuilder().setAmountMinor(minorUnits(amount)).setCurrency(currency));
            }
            return answer(context().api().refund(request.build()), booking -> "Refunded "
                    + Formats.money(booking.getRefunded()) + " of booking " + booking.getId());
        }
    }

    @Command(name = "all-bookings", description = "List everyone's bookings (admin).")
    public static final class AllBookings extends CommandBase {
        @Option(names = "--show", paramLabel = "SHOW_ID")
        String showId;
        @Option(names = "--user", paramLabel = "USER_ID")
        String userId;
        @Option(names = "--limit", defaultValue = "100")
        int limit;

        @Override
        public Integer call() {
            ListAllBookingsRequest.Builder request = ListAllBookingsRequest.newBuilder().setPageSize(limit);
            if (showId != null) {
                request.setShowId(showId);
            }
            if (userId != null) {
                request.setUserId(userId);
            }
            return answer(context().api().allBookings(request.build()), response -> Views.bookings(
                    response.getBookingsList(), context().zone(), context().ansi()));
        }
    }
}
