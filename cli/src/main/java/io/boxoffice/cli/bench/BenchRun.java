package io.boxoffice.cli.bench;

import io.boxoffice.cli.bench.BenchCommand.BenchSettings;
import io.boxoffice.cli.bench.OperationMix.Operation;
import io.boxoffice.cli.client.BoxofficeApi;
import io.boxoffice.cli.client.BoxofficeApi.SeatChoice;
import io.boxoffice.cli.client.ClusterClient;
import io.boxoffice.cli.client.ErrorExplainer;
import io.boxoffice.cli.client.IdempotencyKeys;
import io.boxoffice.cli.client.Session;
import io.boxoffice.cli.commands.Cards;
import io.boxoffice.proto.v1.Booking;
import io.boxoffice.proto.v1.Hold;
import io.boxoffice.proto.v1.PaymentDetails;
import io.grpc.Status;
import java.io.PrintWriter;
import java.time.LocalDate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.LongAdder;

/** One load run: the workers, their counters, the progress display; produces a {@link BenchReport}. */
final class BenchRun {

    /** Bookings a worker remembers for later cancellation; older ones are forgotten. */
    static final int REMEMBERED_BOOKINGS_MAX = 1000;
    /** Distinct error messages kept for the report. */
    static final int ERROR_MESSAGES_MAX = 10;

    /** Counters and latencies of one operation. */
    static final class OperationStats {
        final LatencyHistogram latency = new LatencyHistogram();
        final LongAdder ok = new LongAdder();
        final LongAdder conflicts = new LongAdder();
        final LongAdder errors = new LongAdder();

        long total() {
            return ok.sum() + conflicts.sum() + errors.sum();
        }
    }

    private final ClusterClient client;
    private final BenchSettings settings;
    private final SeatPool pool;
    private final List<Session> users;
    private final PrintWriter progressOut;
    private final boolean progressBar;
    private final boolean progressLines;
    private final Map<Operation, OperationStats> stats = new EnumMap<>(Operation.class);
    private final LongAdder confirmedBookings = new LongAdder();
    private final LongAdder retries = new LongAdder();
    private final Map<String, LongAdder> errorMessages = new ConcurrentHashMap<>();
    private final PaymentDetails payment = Cards.payment(Cards.SUCCEEDS, "Bench Client", LocalDate.now());
    private volatile long measureFromNanos;
    private volatile long stopAtNanos;

    BenchRun(ClusterClient client, BenchSettings settings, SeatPool pool, List<Session> users, PrintWriter progressOut,
             boolean progressBar, boolean progressLines) {
        this.client = client;
        this.settings = settings;
        this.pool = pool;
        this.users = users;
        this.progressOut = progressOut;
        this.progressBar = progressBar;
        this.progressLines = progressLines;
        for (Operation operation : Operation.values()) {
            stats.put(operation, new OperationStats());
        }
    }

    BenchReport execute() throws InterruptedException {
        client.onRetry((attempt, failed, status, next, delay) -> retries.increment());
        long start = System.nanoTime();
        measureFromNanos = start + settings.warmup().toNanos();
        stopAtNanos = measureFromNanos + settings.duration().toNanos();
        CountDownLatch done = new CountDownLatch(settings.concurrency());
        List<Thread> workers = new ArrayList<>();
        for (int index = 0; index < settings.concurrency(); index++) {
            int worker = index;
            workers.add(Thread.ofVirtual().name("bench-" + worker).start(() -> {
                try {
                    work(worker);
                } finally {
                    done.countDown();
                }
            }));
        }
        progressUntil(done, start);
        for (Thread worker : workers) {
            worker.join();
        }
        double seconds = settings.duration().toNanos() / 1e9;
        return BenchReport.of(settings, pool.size(), seconds, stats, confirmedBookings.sum(), retries.sum(),
                errorMessages);
    }

    private void work(int worker) {
        Session user = users.get(worker % users.size());
        BoxofficeApi api = new BoxofficeApi(client, user::token);
        SplittableRandom random = new SplittableRandom(settings.seed() * 1_000_003L + worker);
        ArrayDeque<String> myBookings = new ArrayDeque<>();
        while (true) {
            long started = System.nanoTime();
            if (started >= stopAtNanos) {
                return;
            }
            Operation operation = settings.mix().pick(random.nextDouble());
            if (operation == Operation.CANCEL && myBookings.isEmpty()) {
                operation = Operation.BOOK;
            }
            OperationStats operationStats = stats.get(operation);
            try {
                perform(operation, api, random, myBookings);
                record(operationStats, started, operationStats.ok);
            } catch (RuntimeException failure) {
                Status.Code code = ErrorExplainer.codeOf(failure);
                if (code == Status.Code.FAILED_PRECONDITION || code == Status.Code.ALREADY_EXISTS) {
                    record(operationStats, started, operationStats.conflicts);
                } else if (System.nanoTime() >= measureFromNanos) {
                    operationStats.errors.increment();
                    if (errorMessages.size() < ERROR_MESSAGES_MAX || errorMessages.containsKey(ErrorExplainer.explain(failure))) {
                        errorMessages.computeIfAbsent(ErrorExplainer.explain(failure), key -> new LongAdder()).increment();
                    }
                }
            }
        }
    }

    private void record(OperationStats operationStats, long startedNanos, LongAdder outcome) {
        long now = System.nanoTime();
        if (startedNanos >= measureFromNanos && now <= stopAtNanos + settings.duration().toNanos()) {
            operationStats.latency.recordNanos(now - startedNanos);
            outcome.increment();
        }
    }

    private void perform(Operation operation, BoxofficeApi api, SplittableRandom random, ArrayDeque<String> myBookings) {
        switch (operation) {
            case BOOK -> {
                SeatPool.Pick pick = pool.pick(random, settings.seatsPerOperation());
                Booking booking = api.book(pick.showId(), SeatChoice.seats(pick.seatIds()), payment,
                        IdempotencyKeys.newKey());
                remember(myBookings, booking.getId());
            }
            case HOLD_CONFIRM -> {
                SeatPool.Pick pick = pool.pick(random, settings.seatsPerOperation());
                Hold hold = api.hold(pick.showId(), SeatChoice.seats(pick.seatIds()), IdempotencyKeys.newKey());
                Booking booking = api.confirmHold(hold.getId(), payment, IdempotencyKeys.newKey());
                remember(myBookings, booking.getId());
            }
            case SEAT_MAP -> api.seatMap(pool.randomShow(random));
            case CANCEL -> api.cancel(myBookings.pollFirst(), "bench", IdempotencyKeys.newKey());
        }
    }

    private void remember(ArrayDeque<String> myBookings, String bookingId) {
        if (System.nanoTime() >= measureFromNanos) {
            confirmedBookings.increment();
        }
        myBookings.addLast(bookingId);
        if (myBookings.size() > REMEMBERED_BOOKINGS_MAX) {
            myBookings.pollFirst();
        }
    }

    private void progressUntil(CountDownLatch done, long startNanos) throws InterruptedException {
        long totalNanos = stopAtNanos - startNanos;
        long lastLine = startNanos;
        while (!done.await(500, java.util.concurrent.TimeUnit.MILLISECONDS)) {
            long now = System.nanoTime();
            String line = progressLine(now, startNanos, totalNanos);
            if (progressBar) {
                progressOut.print("\r" + line);
                progressOut.flush();
            } else if (progressLines && now - lastLine >= 5_000_000_000L) {
                progressOut.println(line);
                progressOut.flush();
                lastLine = now;
            }
        }
        if (progressBar) {
            progressOut.println("\r" + progressLine(System.nanoTime(), startNanos, totalNanos));
            progressOut.flush();
        }
    }

    String progressLine(long now, long startNanos, long totalNanos) {
        double fraction = Math.min(1.0, (now - startNanos) / (double) totalNanos);
        int width = 30;
        int filled = (int) Math.round(fraction * width);
        long ops = 0;
        long conflicts = 0;
        long errors = 0;
        for (OperationStats operationStats : stats.values()) {
            ops += operationStats.total();
            conflicts += operationStats.conflicts.sum();
            errors += operationStats.errors.sum();
        }
        double measuredSeconds = Math.max(1e-9, (Math.min(now, stopAtNanos) - measureFromNanos) / 1e9);
        String phase = now < measureFromNanos ? "warm-up" : String.format(Locale.ROOT, "%,.0f ops/s", ops / measuredSeconds);
        return String.format(Locale.ROOT, "[%s%s] %3.0f%%  ops %,d  %s  conflicts %,d  errors %,d  retries %,d",
                "#".repeat(filled), ".".repeat(width - filled), fraction * 100, ops, phase, conflicts, errors,
                retries.sum());
    }
}
