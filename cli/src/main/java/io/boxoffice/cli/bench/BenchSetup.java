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
import io.grpc.Status;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Prepares a load run as an admin: a bench movie, bench screens and enough future shows (reused across runs,
 * see {@link ShowPlan}), and the bench users, logged in. Keys are derived from names and start times, so a
 * repeated setup changes nothing and an interrupted one resumes where it stopped.
 */
final class BenchSetup {

    static final String MOVIE_TITLE = "bookingctl bench";
    /** The first bench screen; the others add their number ("bookingctl bench screen 2"). */
    static final String SCREEN_NAME = "bookingctl bench screen";
    static final int ROWS = 26;
    static final int SEATS_PER_ROW = 40;
    static final String USER_PASSWORD = "bench-password-1";
    /** Logins run in parallel: each costs a deliberately slow password hash on the node. */
    static final int LOGIN_THREADS = 4;
    /** Shows are created in parallel: each is one replicated command, and a soak needs thousands. */
    static final int CREATE_THREADS = 16;

    record Prepared(List<String> showIds, List<BenchUser> users) {
    }

    private final ClusterClient client;
    private final PrintWriter log;
    private final LongSupplier clockMillis;

    BenchSetup(ClusterClient client, PrintWriter log, LongSupplier clockMillis) {
        this.client = client;
        this.log = log;
        this.clockMillis = clockMillis;
    }

    /**
     * @param abandonedHolds a new ledger of abandoned holds, one per user
     */
    Prepared prepare(String adminUser, String adminPassword, int showCount, int userCount,
                     Supplier<AbandonedHolds> abandonedHolds) throws Exception {
        BoxofficeApi anonymous = new BoxofficeApi(client, () -> null);
        Session admin = anonymous.login(adminUser, adminPassword);
        if (!admin.isAdmin()) {
            throw new IllegalArgumentException("user '" + adminUser + "' is not an admin: the bench setup creates "
                    + "shows and users (pass --admin-user/--admin-password)");
        }
        BoxofficeApi api = new BoxofficeApi(client, admin::token);
        List<String> showIds = shows(api, showCount);
        return new Prepared(showIds, users(api, anonymous, userCount, abandonedHolds));
    }

    private List<String> shows(BoxofficeApi api, int showCount) throws Exception {
        long startedNanos = System.nanoTime();
        Movie movie = api.movies().stream().filter(m -> m.getTitle().equals(MOVIE_TITLE)).findFirst()
                .orElseGet(() -> api.createMovie(CreateMovieRequest.newBuilder().setTitle(MOVIE_TITLE)
                        .setDescription("Created by bookingctl bench.").setDurationMinutes(120).setAgeRating("bench")
                        .setIdempotencyKey("bench-movie-v1").build()));
        List<String> screenIds = screens(api, ShowPlan.screensNeeded(showCount));
        ShowPlan.Plan plan = ShowPlan.plan(allShows(api, movie.getId()), screenIds, showCount, clockMillis.getAsLong());
        List<String> showIds = new ArrayList<>(plan.reused());
        showIds.addAll(inParallel(CREATE_THREADS, plan.created(), show -> api.createShow(CreateShowRequest.newBuilder()
                .setMovieId(movie.getId()).setScreenId(show.screenId()).setStartsAtMillis(show.startsAtMillis())
                .setIdempotencyKey(show.idempotencyKey()).build()).getId()));
        log.printf(Locale.ROOT, "bench: %,d shows of %dx%d seats on %d screens (%,d reused, %,d created in %.1f s)%n",
                showIds.size(), ROWS, SEATS_PER_ROW, screenIds.size(), plan.reused().size(), plan.created().size(),
                (System.nanoTime() - startedNanos) / 1e9);
        log.flush();
        return showIds;
    }

    /** The first {@code count} bench screens, created when missing. */
    private static List<String> screens(BoxofficeApi api, int count) {
        Map<String, String> idByName = new HashMap<>();
        for (Screen screen : api.screens()) {
            idByName.putIfAbsent(screen.getName(), screen.getId());
        }
        List<String> ids = new ArrayList<>();
        for (int number = 1; number <= count; number++) {
            String name = number == 1 ? SCREEN_NAME : SCREEN_NAME + " " + number;
            String key = number == 1 ? "bench-screen-v1" : "bench-screen-v1-" + number;
            String id = idByName.get(name);
            ids.add(id != null ? id : api.createScreen(CreateScreenRequest.newBuilder().setName(name)
                    .setLayout(layout()).setIdempotencyKey(key).build()).getId());
        }
        return ids;
    }

    /**
     * Every show of the movie, page by page (a node lists at most 1,000 per call). The next page starts at the
     * last start time seen, so shows sharing that time come again and are skipped; a page with nothing new
     * moves past that time. Each page either adds shows or moves the start forward, so this ends.
     */
    static List<Show> allShows(BoxofficeApi api, String movieId) {
        Map<String, Show> byId = new LinkedHashMap<>();
        long startsAfterMillis = 0;
        while (true) {
            List<Show> page = api.shows(movieId, startsAfterMillis);
            if (page.isEmpty()) {
                return List.copyOf(byId.values());
            }
            boolean anyNew = false;
            long lastStartMillis = startsAfterMillis;
            for (Show show : page) {
                anyNew |= byId.putIfAbsent(show.getId(), show) == null;
                lastStartMillis = Math.max(lastStartMillis, show.getStartsAtMillis());
            }
            startsAfterMillis = anyNew ? lastStartMillis : lastStartMillis + 1;
        }
    }

    private List<BenchUser> users(BoxofficeApi admin, BoxofficeApi anonymous, int count,
                                  Supplier<AbandonedHolds> abandonedHolds) throws Exception {
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            names.add("bench-user-" + i);
        }
        List<BenchUser> users = inParallel(LOGIN_THREADS, names, name -> {
            try {
                admin.createUser(CreateUserRequest.newBuilder().setUsername(name).setPassword(USER_PASSWORD)
                        .addRoles("user").setIdempotencyKey("bench-user-v1-" + name).build());
            } catch (CallFailedException e) {
                if (e.code() != Status.Code.ALREADY_EXISTS) {
                    throw e;
                }
            }
            return new BenchUser(anonymous, name, USER_PASSWORD, anonymous.login(name, USER_PASSWORD), clockMillis,
                    abandonedHolds.get());
        });
        log.println("bench: " + users.size() + " users logged in");
        log.flush();
        return users;
    }

    /** {@code task} over every item on {@code threads} threads; results in item order; the first failure is thrown. */
    static <T, R> List<R> inParallel(int threads, List<T> items, Function<T, R> task) throws Exception {
        if (items.isEmpty()) {
            return List.of();
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, items.size()));
        try {
            List<Future<R>> futures = new ArrayList<>();
            for (T item : items) {
                futures.add(pool.submit(() -> task.apply(item)));
            }
            List<R> results = new ArrayList<>();
            for (Future<R> future : futures) {
                try {
                    results.add(future.get());
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof Exception cause ? cause : e;
                }
            }
            return results;
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
