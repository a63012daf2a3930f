package io.boxoffice.cli.bench;

import io.boxoffice.cli.BookingCtl;
import io.boxoffice.cli.bench.OperationMix.Operation;
import io.boxoffice.cli.bench.SeatPool.Contention;
import io.boxoffice.cli.client.ClusterClient;
import io.boxoffice.cli.commands.CliContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bookingctl bench}: the load generator used by the benchmark docs and scripts/soak.sh. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = {
        "Load-test the cluster: concurrent clients book, hold+confirm, read seat maps, cancel and abandon holds "
                + "for a while (or until a number of bookings), then throughput and latency percentiles are printed.",
        "Setup (as an admin) creates a bench movie, 26x40 screens (at most 100 shows each), future shows and bench "
                + "users; later runs reuse them and an interrupted setup resumes.",
        "Exit status 1 when any operation failed with an error (seat conflicts are not errors)."})
public final class BenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--concurrency"}, defaultValue = "16", description = "Concurrent clients (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = {"-d", "--duration"}, defaultValue = "30s",
            description = "Measured time: 30s, 2m, 3h (default: ${DEFAULT-VALUE}); with --until-bookings, the longest.")
    String duration;

    @Option(names = "--until-bookings", paramLabel = "N", defaultValue = "0",
            description = "End once N bookings were confirmed in the measured time (or at --duration, whichever "
                    + "comes first); 0: no such end (default).")
    long untilBookings;

    @Option(names = "--warmup", defaultValue = "0s", description = "Unmeasured time before it (default: ${DEFAULT-VALUE}).")
    String warmup;

    @Option(names = "--contention", defaultValue = "low",
            description = "none (each client books shows of its own front to back: no conflicts, shows sell out), "
                    + "low (random seats of all bench shows), medium (2 rows of 2 shows), high (8 seats of one show).")
    String contention;

    @Option(names = "--mix", defaultValue = OperationMix.DEFAULT,
            description = "Operation weights (default: ${DEFAULT-VALUE}); also hold-abandon: hold seats and walk "
                    + "away, so the hold expires on the cluster.")
    String mix;

    @Option(names = "--seats-per-op", defaultValue = "2", description = "Adjacent seats per booking (default: ${DEFAULT-VALUE}).")
    int seatsPerOperation;

    @Option(names = "--shows", defaultValue = "20",
            description = "Bench shows to spread over, up to " + BenchSettings.SHOWS_MAX + " (default: ${DEFAULT-VALUE}).")
    int shows;

    @Option(names = "--users", description = "Bench users (default: concurrency / 4, at least 1: a user may hold 5 holds).")
    Integer users;

    @Option(names = "--holds-per-user", defaultValue = "5",
            description = "Active holds the cluster allows one user (boxoffice.limits.active-holds-per-user-max; "
                    + "default: ${DEFAULT-VALUE}): hold-confirm and hold-abandon stay below it.")
    int holdsPerUser;

    @Option(names = "--status-file", paramLabel = "FILE",
            description = "Write the run's counters as key=value lines to FILE twice a second (for scripts).")
    Path statusFile;

    @Option(names = "--admin-user", defaultValue = "admin",
            description = "Admin who runs the setup (default: ${DEFAULT-VALUE}).")
    String adminUser;

    @Option(names = "--admin-password", defaultValue = "admin123",
            description = "That admin's password (default: the demo admin's).")
    String adminPassword;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the clients' choices (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--no-progress", description = "No progress bar.")
    boolean noProgress;

    @Override
    public Integer call() throws Exception {
        CliContext context = BookingCtl.context(spec);
        BenchSettings settings = new BenchSettings(concurrency, parseDuration(duration), parseDuration(warmup),
                untilBookings, Contention.parse(contention), OperationMix.parse(mix), seatsPerOperation, shows,
                users == null ? Math.max(1, (concurrency + 3) / 4) : users, holdsPerUser, seed);
        settings.validate();
        ClusterClient client = context.client();
        BenchSetup.Prepared prepared = new BenchSetup(client, context.err(), () -> context.clock().millis())
                .prepare(adminUser, adminPassword, settings.shows(), settings.users(),
                        () -> new AbandonedHolds(settings.abandonSlotsPerUser(), AbandonedHolds.EXPIRY_SLACK_NANOS));
        SeatPool pool = SeatPool.of(prepared.showIds(), BenchSetup.ROWS, BenchSetup.SEATS_PER_ROW, settings.contention());
        BenchRun run = new BenchRun(client, settings, pool, prepared.showIds(), prepared.users(), context.err(),
                !noProgress && (io.boxoffice.cli.menu.Terminal.stdinIsTerminal() || context.env().containsKey("BOOKINGCTL_PROGRESS")),
                !noProgress, statusFile == null ? null : new BenchStatusFile(statusFile, context.err()));
        BenchReport report = run.execute();
        context.out().print(context.json() ? report.json() + "\n" : report.text());
        return report.total().errors() > 0 ? 1 : 0;
    }

    /** {@code 30s}, {@code 2m}, {@code 1h}, or plain seconds. */
    static Duration parseDuration(String text) {
        String trimmed = text.trim().toLowerCase(java.util.Locale.ROOT);
        try {
            if (trimmed.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(trimmed.substring(0, trimmed.length() - 2)));
            }
            char unit = trimmed.charAt(trimmed.length() - 1);
            if (Character.isDigit(unit)) {
                return Duration.ofSeconds(Long.parseLong(trimmed));
            }
            long value = Long.parseLong(trimmed.substring(0, trimmed.length() - 1));
            return switch (unit) {
                case 's' -> Duration.ofSeconds(value);
                case 'm' -> Duration.ofMinutes(value);
                case 'h' -> Duration.ofHours(value);
                default -> throw new IllegalArgumentException("unit");
            };
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("duration '" + text + "' must look like 30s, 2m or 1h");
        }
    }

    /** Validated settings of one run. */
    record BenchSettings(int concurrency, Duration duration, Duration warmup, long untilBookings, Contention contention,
                         OperationMix mix, int seatsPerOperation, int shows, int users, int holdsPerUser, long seed) {

        static final int CONCURRENCY_MAX = 4096;
        static final int SHOWS_MAX = 20_000;

        /** Clients that share one user (and its holds). */
        int clientsPerUser() {
            return (concurrency + users - 1) / users;
        }

        /**
         * Holds a user may leave to expire at once: what the cluster allows, less one in-flight hold-confirm per
         * client of the user, less one spare in case an expiry sweep runs late.
         */
        int abandonSlotsPerUser() {
            int confirming = mix.weight(Operation.HOLD_CONFIRM) > 0 ? clientsPerUser() : 0;
            return Math.max(1, holdsPerUser - confirming - 1);
        }

        void validate() {
            if (concurrency < 1 || concurrency > CONCURRENCY_MAX) {
                throw new IllegalArgumentException("--concurrency must be between 1 and " + CONCURRENCY_MAX);
            }
            if (duration.isZero() || duration.isNegative()) {
                throw new IllegalArgumentException("--duration must be positive");
            }
            if (untilBookings < 0) {
                throw new IllegalArgumentException("--until-bookings must be 0 (off) or positive");
            }
            if (untilBookings > 0 && mix.weight(Operation.BOOK) == 0 && mix.weight(Operation.HOLD_CONFIRM) == 0) {
                throw new IllegalArgumentException("--until-bookings needs book or hold-confirm in the mix");
            }
            if (seatsPerOperation < 1 || seatsPerOperation > 10) {
                throw new IllegalArgumentException("--seats-per-op must be between 1 and 10");
            }
            if (shows < 1 || shows > SHOWS_MAX) {
                throw new IllegalArgumentException("--shows must be between 1 and " + SHOWS_MAX);
            }
            if (contention == Contention.NONE && shows < concurrency) {
                throw new IllegalArgumentException("with --contention none each client books shows of its own: "
                        + "--shows must be at least --concurrency (" + concurrency + ")");
            }
            if (users < 1 || users > concurrency) {
                throw new IllegalArgumentException("--users must be between 1 and the concurrency");
            }
            if (holdsPerUser < 1) {
                throw new IllegalArgumentException("--holds-per-user must be positive");
            }
            if (mix.weight(Operation.HOLD_CONFIRM) > 0 && clientsPerUser() > holdsPerUser) {
                throw new IllegalArgumentException("with hold-confirm in the mix, each user may run at most "
                        + holdsPerUser + " clients (a user may have " + holdsPerUser + " active holds): raise --users");
            }
            int confirming = mix.weight(Operation.HOLD_CONFIRM) > 0 ? clientsPerUser() : 0;
            if (mix.weight(Operation.HOLD_ABANDON) > 0 && holdsPerUser - confirming - 1 < 1) {
                throw new IllegalArgumentException("with hold-abandon in the mix, each user needs a hold slot beyond "
                        + "its clients' hold-confirms and one spare (" + clientsPerUser() + " clients per user, "
                        + holdsPerUser + " holds per user): raise --users");
            }
        }
    }
}
