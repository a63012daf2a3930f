package io.boxoffice.cli.bench;

import io.boxoffice.cli.BookingCtl;
import io.boxoffice.cli.bench.OperationMix.Operation;
import io.boxoffice.cli.bench.SeatPool.Contention;
import io.boxoffice.cli.client.ClusterClient;
import io.boxoffice.cli.commands.CliContext;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bookingctl bench}: the load generator used by the benchmark docs. */
@Command(name = "bench", description = {
        "Load-test the cluster: concurrent clients book, hold+confirm, read seat maps and cancel for a while, then "
                + "throughput and latency percentiles are printed.",
        "Setup (as an admin) creates a bench movie, a 26x40 screen, future shows and bench users; later runs reuse them."})
public final class BenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--concurrency"}, defaultValue = "16", description = "Concurrent clients (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = {"-d", "--duration"}, defaultValue = "30s", description = "Measured time: 30s, 2m (default: ${DEFAULT-VALUE}).")
    String duration;

    @Option(names = "--warmup", defaultValue = "0s", description = "Unmeasured time before it (default: ${DEFAULT-VALUE}).")
    String warmup;

    @Option(names = "--contention", defaultValue = "low",
            description = "low (all seats of all bench shows), medium (2 rows of 2 shows), high (8 seats of one show).")
    String contention;

    @Option(names = "--mix", defaultValue = OperationMix.DEFAULT, description = "Operation weights (default: ${DEFAULT-VALUE}).")
    String mix;

    @Option(names = "--seats-per-op", defaultValue = "2", description = "Adjacent seats per booking (default: ${DEFAULT-VALUE}).")
    int seatsPerOperation;

    @Option(names = "--shows", defaultValue = "20", description = "Bench shows to spread over (default: ${DEFAULT-VALUE}).")
    int shows;

    @Option(names = "--users", description = "Bench users (default: concurrency / 4, at least 1: a user may hold 5 holds).")
    Integer users;

    @Option(names = "--admin-user", defaultValue = "admin")
    String adminUser;

    @Option(names = "--admin-password", defaultValue = "admin123")
    String adminPassword;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the clients' choices (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--no-progress", description = "No progress bar.")
    boolean noProgress;

    @Override
    public Integer call() throws Exception {
        CliContext context = BookingCtl.context(spec);
        BenchSettings settings = new BenchSettings(concurrency, parseDuration(duration), parseDuration(warmup),
                Contention.parse(contention), OperationMix.parse(mix), seatsPerOperation, shows,
                users == null ? Math.max(1, (concurrency + 3) / 4) : users, seed);
        settings.validate();
        ClusterClient client = context.client();
        BenchSetup.Prepared prepared = new BenchSetup(client, context.err(), context.clock().millis())
                .prepare(adminUser, adminPassword, settings.shows(), settings.users());
        SeatPool pool = SeatPool.of(prepared.showIds(), BenchSetup.ROWS, BenchSetup.SEATS_PER_ROW, settings.contention());
        BenchRun run = new BenchRun(client, settings, pool, prepared.users(), context.err(),
                !noProgress && (io.boxoffice.cli.menu.Terminal.stdinIsTerminal() || context.env().containsKey("BOOKINGCTL_PROGRESS")),
                !noProgress);
        BenchReport report = run.execute();
        context.out().print(context.json() ? report.json() + "\n" : report.text());
        return report.total().errors() > 0 && report.total().ok() == 0 ? 1 : 0;
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
    record BenchSettings(int concurrency, Duration duration, Duration warmup, Contention contention, OperationMix mix,
                         int seatsPerOperation, int shows, int users, long seed) {

        static final int CONCURRENCY_MAX = 4096;

        void validate() {
            if (concurrency < 1 || concurrency > CONCURRENCY_MAX) {
                throw new IllegalArgumentException("--concurrency must be between 1 and " + CONCURRENCY_MAX);
            }
            if (duration.isZero() || duration.isNegative()) {
                throw new IllegalArgumentException("--duration must be positive");
            }
            if (seatsPerOperation < 1 || seatsPerOperation > 10) {
                throw new IllegalArgumentException("--seats-per-op must be between 1 and 10");
            }
            if (shows < 1 || shows > 1000) {
                throw new IllegalArgumentException("--shows must be between 1 and 1000");
            }
            if (users < 1 || users > concurrency) {
                throw new IllegalArgumentException("--users must be between 1 and the concurrency");
            }
            if (mix.weight(Operation.HOLD_CONFIRM) > 0 && (concurrency + users - 1) / users > 5) {
                throw new IllegalArgumentException("with hold-confirm in the mix, each user may run at most 5 clients "
                        + "(a user may have 5 active holds): raise --users");
            }
        }
    }
}
