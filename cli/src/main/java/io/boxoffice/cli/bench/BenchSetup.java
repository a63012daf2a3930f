package io.boxoffice.cli.bench;

import io.boxoffice.cli.client.BoxofficeApi;
import io.boxoffice.cli.client.CallFailedException;
import io.boxoffice.cli.client.ClusterClient;
import io.boxoffice.cli.client.Session;
import io.boxoffice.proto.v1.CreateMovieRequest;
import io.boxoffice.proto.v1.CreateScreenRequest;
import io.boxoffice.proto.v1.CreateShowRequest;
import io.boxoffice.proto.v1.CreateUserRequest;
import io.boxoffice.proto.v1.Money;
import io.boxoffice.proto.v1.Movie;
import io.boxoffice.proto.v1.Screen;
import io.boxoffice.proto.v1.ScreenLayout;
import io.boxoffice.proto.v1.SeatCategory;
import io.boxoffice.proto.v1.Show;
import io.boxoffice.proto.v1.ShowStatus;
import io.grpc.Status;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Prepares a load run as an admin: a bench movie, a bench screen and enough future shows (reused across runs),
 * and the bench users, logged in. Keys are derived from names, so a repeated setup changes nothing.
 */
final class BenchSetup {

    static final String MOVIE_TITLE = "bookingctl bench";
    static final String SCREEN_NAME = "bookingctl bench screen";
    static final int ROWS = 26;
    static final int SEATS_PER_ROW = 40;
    static final String USER_PASSWORD = "bench-password-1";
    /** Shows start this far ahead, so cancellations are always refunded and nothing starts during a run. */
    static final Duration SHOW_LEAD = Duration.ofDays(30);
    /** Shows of one screen may not overlap: the bench movie runs 2 hours. */
    static final Duration SHOW_SPACING = Duration.ofHours(3);
    /** Logins run in parallel: each costs a deliberately slow password hash on the node. */
    static final int LOGIN_THREADS = 4;

    record Prepared(List<String> showIds, List<Session> users) {
    }

    private final ClusterClient client;
    private final PrintWriter log;
    private final long nowMillis;

    BenchSetup(ClusterClient client, PrintWriter log, long nowMillis) {
        this.client = client;
        this.log = log;
        this.nowMillis = nowMillis;
    }

    Prepared prepare(String adminUser, String adminPassword, int showCount, int userCount) throws Exception {
        BoxofficeApi anonymous = new BoxofficeApi(client, () -> null);
        Session admin = anonymous.login(adminUser, adminPassword);
        if (!admin.isAdmin()) {
            throw new IllegalArgumentException("user '" + adminUser + "' is not an admin: the bench setup creates "
                    + "shows and users (pass --admin-user/--admin-password)");
        }
        BoxofficeApi api = new BoxofficeApi(client, admin::token);
        Movie movie = api.movies().stream().filter(m -> m.getTitle().equals(MOVIE_TITLE)).findFirst()
                .orElseGet(() -> api.createMovie(CreateMovieRequest.newBuilder().setTitle(MOVIE_TITLE)
                        .setDescription("Created by bookingctl bench.").setDurationMinutes(120).setAgeRating("bench")
                        .setIdempotencyKey("bench-movie-v1").build()));
        Screen screen = api.screens().stream().filter(s -> s.getName().equals(SCREEN_NAME)).findFirst()
                .orElseGet(() -> api.createScreen(CreateScreenRequest.newBuilder().setName(SCREEN_NAME)
                        .setLayout(layout()).setIdempotencyKey("bench-screen-v1").build()));
        List<String> showIds = new ArrayList<>();
        long nextStartMillis = nowMillis + SHOW_LEAD.toMillis();
        for (Show show : api.shows(movie.getId())) {
            if (show.getScreenId().equals(screen.getId())) {
                nextStartMillis = Math.max(nextStartMillis, show.getStartsAtMillis() + SHOW_SPACING.toMillis());
            }
            if (show.getStatus() == ShowStatus.SHOW_STATUS_SCHEDULED && show.getScreenId().equals(screen.getId())
                    && show.getStartsAtMillis() > nowMillis + Duration.ofDays(1).toMillis() && showIds.size() < showCount) {
                showIds.add(show.getId());
            }
        }
        while (showIds.size() < showCount) {
            showIds.add(api.createShow(CreateShowRequest.newBuilder().setMovieId(movie.getId())
                    .setScreenId(screen.getId()).setStartsAtMillis(nextStartMillis).build()).getId());
            nextStartMillis += SHOW_SPACING.toMillis();
        }
        log.println("bench: " + showIds.size() + " shows of " + ROWS + "x" + SEATS_PER_ROW + " seats on screen "
                + screen.getId());
        return new Prepared(showIds, users(api, anonymous, userCount));
    }

    private List<Session> users(BoxofficeApi admin, BoxofficeApi anonymous, int count) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(LOGIN_THREADS);
        try {
            List<Future<Session>> logins = new ArrayList<>();
            for (int i = 1; i <= count; i++) {
                String name = "bench-user-" + i;
                logins.add(pool.submit(() -> {
                    try {
                        admin.createUser(CreateUserRequest.newBuilder().setUsername(name).setPassword(USER_PASSWORD)
                                .addRoles("user").setIdempotencyKey("bench-user-v1-" + name).build());
                    } catch (CallFailedException e) {
                        if (e.code() != Status.Code.ALREADY_EXISTS) {
                            throw e;
                        }
                    }
                    return anonymous.login(name, USER_PASSWORD);
                }));
            }
            List<Session> sessions = new ArrayList<>();
            for (Future<Session> login : logins) {
                try {
                    sessions.add(login.get());
                } catch (java.util.concurrent.ExecutionException e) {
                    throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
                }
            }
            log.println("bench: " + sessions.size() + " users logged in");
            return sessions;
        } finally {
            pool.shutdownNow();
        }
    }

    static ScreenLayout layout() {
        SeatCategory.Builder standard = SeatCategory.newBuilder().setName("standard")
                .setPrice(Money.newBuilder().setAmountMinor(1000).setCurrency("EUR"));
        for (int row = 0; row < ROWS; row++) {
            standard.addRows(String.valueOf((char) ('A' + row)));
        }
        return ScreenLayout.newBuilder().setRowCount(ROWS).setSeatsPerRow(SEATS_PER_ROW).addCategories(standard).build();
    }
}
