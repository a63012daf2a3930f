package io.boxoffice.cli.bench;

import io.boxoffice.cli.bench.BenchCommand.BenchSettings;
import io.boxoffice.cli.bench.OperationMix.Operation;
import io.boxoffice.cli.bench.SeatPool.Contention;
import io.boxoffice.cli.client.BoxofficeApi;
import io.boxoffice.cli.client.BoxofficeApi.SeatChoice;
import io.boxoffice.cli.client.ClusterClient;
import io.boxoffice.cli.client.ErrorExplainer;
import io.boxoffice.cli.client.IdempotencyKeys;
import io.boxoffice.cli.commands.Cards;
import io.boxoffice.proto.v1.Booking;
import io.boxoffice.proto.v1.Hold;
import io.boxoffice.proto.v1.PaymentDetails;
import io.boxoffice.proto.v1.SeatState;
import io.grpc.Status;
import java.io.PrintWriter;
import java.time.LocalDate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** One load run: the workers, their counters, the progress display; produces a {@link BenchReport}. */
final class BenchRun {

    /** Bookings a worker remembers for later cancellation; older ones are forgotten. */
    static final int REMEMBERED_BOOKINGS_MAX = 1000;
    /** Distinct error messages kept for the report. */
    static final int ERROR_MESSAGES_MAX = 10;
    /**
     * Lifetime assumed for a hold whose call failed without a clear answer (it may have been made): the node's
     * default maximum hold lifetime, so its slot is not reused while the hold may still count.
     */
    static final long UNKNOWN_HOLD_LIFETIME_MILLIS = 30 * 60_000L;
    static final long PROGRESS_INTERVAL_NANOS = 500_000_000L;
    static final long PROGRESS_LINE_INTERVAL_NANOS = 5_000_000_000L;

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

    /** What one worker keeps between its operations. */
    private final class Worker {
        final BenchUser user;
        final BoxofficeApi api;
        final SplittableRandom random;
        final ArrayDeque<String> bookings = new ArrayDeque<>();
        final SeatCursor cursor;

        Worker(int index) {
            user = users.get(index % users.size());
            api = new BoxofficeApi(client, user::token);
            random = new SplittableRandom(settings.seed() * 1_000_003L + index);
            cursor = showQueue == null ? null : new SeatCursor(showQueue, this::takenSeats, BenchSetup.ROWS,
                    BenchSetup.SEATS_PER_ROW);
        }

        Set<String> takenSeats(String showId) {
            Set<String> taken = new HashSet<>();
            api.seatMap(showId).getRowsList().forEach(row -> row.getSeatsList().stream()
                    .filter(seat -> seat.getState() != SeatState.SEAT_STATE_FREE)
                    .forEach(seat -> taken.add(seat.getId())));
            return taken;
        }

        SeatPool.Pick pick() {
            if (cursor != null) {
                var next = cursor.next(settings.seatsPerOperation());
                if (next.isPresent()) {
                    return next.get();
                }
                if (showsUsedUp.compareAndSet(false, true)) {
                    progressOut.println("\nbench: every seat of the " + pool.showCount() + " shows was offered once; "
                            + "clients now pick at random (conflicts follow): raise --shows");
                    progressOut.flush();
                }
            }
            return pool.pick(random, settings.seatsPerOperation());
        }
    }

    private final ClusterClient client;
    private final BenchSettings settings;
    private final SeatPool pool;
    private final SeatCursor.Queue showQueue;
    private final List<BenchUser> users;
    private final PrintWriter progressOut;
    private final boolean progressBar;
    private final boolean progressLines;
    private final BenchStatusFile statusFile;
    private final Map<Operation, OperationStats> stats = new EnumMap<>(Operation.class);
    private final LongAdder confirmedBookings = new LongAdder();
    private final LongAdder retries = new LongAdder();
    private final LongAdder abandonsDeferred = new LongAdder();
    private final LongAdder workerFailures = new LongAdder();
    private final Map<String, LongAdder> errorMessages = new ConcurrentHashMap<>();
    private final AtomicBoolean showsUsedUp = new AtomicBoolean();
    private final PaymentDetails payment = Cards.payment(Cards.SUCCEEDS, "Bench Client", LocalDate.now());
    private volatile long measureFromNanos;
    private final AtomicLong stopAtNanos = new AtomicLong(Long.MAX_VALUE);

    /**
     * @param showIds the bench shows in the order contention {@code none} hands them out
     * @param statusFile where progress is written for scripts, or null
     */
    BenchRun(ClusterClient client, BenchSettings settings, SeatPool pool, List<String> showIds, List<BenchUser> users,
             PrintWriter progressOut, boolean progressBar, boolean progressLines, BenchStatusFile statusFile) {
        this.client = client;
        this.settings = settings;
        this.pool = pool;
        this.showQueue = settings.contention() == Contention.NONE ? new SeatCursor.Queue(showIds) : null;
        this.users = users;
        this.progressOut = progressOut;
        this.progressBar = progressBar;
        this.progressLines = progressLines;
        this.statusFile = statusFile;
        for (Operation operation : Operation.values()) {
            stats.put(operation, new OperationStats());
        }
    }

    BenchReport execute() throws InterruptedException {
        client.onRetry((attempt, failed, status, next, delay) -> retries.increment());
        long start = System.nanoTime();
        measureFromNanos = start + settings.warmup().toNanos();
        stopAtNanos.set(measureFromNanos + settings.duration().toNanos());
        CountDownLatch done = new CountDownLatch(settings.concurrency());
        List<Thread> workers = new ArrayList<>();
        for (int index = 0; index < settings.concurrency(); index++) {
            int worker = index;
            workers.add(Thread.ofVirtual().name("bench-" + worker).start(() -> {
                try {
                    work(worker);
                } catch (Throwable failure) {
                    // A worker that dies is an error of the run, not a silently smaller load.
                    workerFailures.increment();
                    countError("bench worker " + worker + " stopped: " + failure);
                } finally {
                    done.countDown();
                }
            }));
        }
        progressUntil(done, start);
        for (Thread worker : workers) {
            worker.join();
        }
        // Workers that all stopped early (each failed) end the measured time too.
        long endedNanos = System.nanoTime();
        stopAtNanos.accumulateAndGet(endedNanos, (current, candidate) -> candidate - current < 0 ? candidate : current);
        BenchReport report = report();
        writeStatus("done", System.nanoTime());
        return report;
    }

    private BenchReport report() {
        double seconds = Math.max(1e-9, (stopAtNanos.get() - measureFromNanos) / 1e9);
        return BenchReport.of(settings, pool.size(), pool.showCount(), seconds, stats, confirmedBookings.sum(),
                retries.sum(), abandonsDeferred.sum(), workerFailures.sum(), errorMessages);
    }

    private void work(int index) {
        Worker worker = new Worker(index);
        while (true) {
            long started = System.nanoTime();
            if (started - stopAtNanos.get() >= 0) {
                return;
            }
            Operation operation = settings.mix().pick(worker.random.nextDouble());
            if (operation == Operation.CANCEL && worker.bookings.isEmpty()) {
                operation = Operation.BOOK;
            }
            int abandonSlot = -1;
            if (operation == Operation.HOLD_ABANDON) {
                abandonSlot = worker.user.abandonedHolds().reserve(started);
                if (abandonSlot < 0) {
                    // The user's abandoned holds may all still count on the cluster: book instead.
                    abandonsDeferred.increment();
                    operation = Operation.BOOK;
                }
            }
            OperationStats operationStats = stats.get(operation);
            try {
                perform(operation, worker, abandonSlot);
                record(operationStats, started, operationStats.ok);
            } catch (RuntimeException failure) {
                Status.Code code = ErrorExplainer.codeOf(failure);
                boolean conflict = code == Status.Code.FAILED_PRECONDITION || code == Status.Code.ALREADY_EXISTS;
                if (abandonSlot >= 0) {
                    if (conflict) {
                        worker.user.abandonedHolds().notHeld(abandonSlot);
                    } else {
                        worker.user.abandonedHolds().held(abandonSlot, System.nanoTime(), UNKNOWN_HOLD_LIFETIME_MILLIS);
                    }
                }
                if (conflict) {
                    record(operationStats, started, operationStats.conflicts);
                } else {
                    operationStats.errors.increment();
                    countError(ErrorExplainer.explain(failure));
                }
            }
        }
    }

    /** Every error counts, warm-up included; the first {@link #ERROR_MESSAGES_MAX} distinct messages are kept. */
    private void countError(String message) {
        if (errorMessages.size() < ERROR_MESSAGES_MAX || errorMessages.containsKey(message)) {
            errorMessages.computeIfAbsent(message, key -> new LongAdder()).increment();
        }
    }

    private void record(OperationStats operationStats, long startedNanos, LongAdder outcome) {
        if (startedNanos >= measureFromNanos) {
            operationStats.latency.recordNanos(System.nanoTime() - startedNanos);
            outcome.increment();
        }
    }

    private void perform(Operation operation, Worker worker, int abandonSlot) {
        switch (operation) {
            case BOOK -> {
                SeatPool.Pick pick = worker.pick();
                Booking booking = worker.api.book(pick.showId(), SeatChoice.seats(pick.seatIds()), payment,
                        IdempotencyKeys.newKey());
                confirmed(worker, booking.getId());
            }
            case HOLD_CONFIRM -> {
                SeatPool.Pick pick = worker.pick();
                Hold hold = worker.api.hold(pick.showId(), SeatChoice.seats(pick.seatIds()), IdempotencyKeys.newKey());
                Booking booking = worker.api.confirmHold(hold.getId(), payment, IdempotencyKeys.newKey());
                confirmed(worker, booking.getId());
            }
            case HOLD_ABANDON -> {
                SeatPool.Pick pick = worker.pick();
                Hold hold = worker.api.hold(pick.showId(), SeatChoice.seats(pick.seatIds()), IdempotencyKeys.newKey());
                worker.user.abandonedHolds().held(abandonSlot, System.nanoTime(),
                        hold.getExpiresAtMillis() - hold.getCreatedAtMillis());
            }
            case SEAT_MAP -> worker.api.seatMap(pool.randomShow(worker.random));
            case CANCEL -> worker.api.cancel(worker.bookings.pollFirst(), "bench", IdempotencyKeys.newKey());
        }
    }

    private void confirmed(Worker worker, String bookingId) {
        long now = System.nanoTime();
        if (now >= measureFromNanos) {
            confirmedBookings.increment();
            if (settings.untilBookings() > 0 && confirmedBookings.sum() >= settings.untilBookings()) {
                stopAtNanos.accumulateAndGet(now, (current, candidate) -> candidate - current < 0 ? candidate : current);
            }
        }
        worker.bookings.addLast(bookingId);
        if (worker.bookings.size() > REMEMBERED_BOOKINGS_MAX) {
            worker.bookings.pollFirst();
        }
    }

    private void progressUntil(CountDownLatch done, long startNanos) throws InterruptedException {
        long lastLine = startNanos;
        while (!done.await(PROGRESS_INTERVAL_NANOS, TimeUnit.NANOSECONDS)) {
            long now = System.nanoTime();
            String line = progressLine(now, startNanos);
            if (progressBar) {
                progressOut.print("\r" + line);
                progressOut.flush();
            } else if (progressLines && now - lastLine >= PROGRESS_LINE_INTERVAL_NANOS) {
                progressOut.println(line);
                progressOut.flush();
                lastLine = now;
            }
            writeStatus(now < measureFromNanos ? "warm-up" : "running", now);
        }
        if (progressBar) {
            progressOut.println("\r" + progressLine(System.nanoTime(), startNanos));
            progressOut.flush();
        }
    }

    private void writeStatus(String phase, long nowNanos) {
        if (statusFile == null) {
            return;
        }
        Map<String, String> status = new java.util.LinkedHashMap<>();
        status.put("phase", phase);
        status.put("elapsed_seconds", String.format(Locale.ROOT, "%.1f",
                Math.max(0, Math.min(nowNanos, stopAtNanos.get()) - measureFromNanos) / 1e9));
        status.put("confirmed_bookings", Long.toString(confirmedBookings.sum()));
        long ok = 0;
        long conflicts = 0;
        long errors = workerFailures.sum();
        for (OperationStats operationStats : stats.values()) {
            ok += operationStats.ok.sum();
            conflicts += operationStats.conflicts.sum();
            errors += operationStats.errors.sum();
        }
        status.put("ok", Long.toString(ok));
        status.put("conflicts", Long.toString(conflicts));
        status.put("errors", Long.toString(errors));
        status.put("retries", Long.toString(retries.sum()));
        status.put("cancels", Long.toString(stats.get(Operation.CANCEL).ok.sum()));
        status.put("holds_abandoned", Long.toString(stats.get(Operation.HOLD_ABANDON).ok.sum()));
        status.put("abandons_deferred", Long.toString(abandonsDeferred.sum()));
        status.put("shows_handed_out", Long.toString(showQueue == null ? 0 : showQueue.taken()));
        statusFile.write(status);
    }

    String progressLine(long now, long startNanos) {
        long stop = stopAtNanos.get();
        double fraction = Math.min(1.0, (now - startNanos) / (double) Math.max(1, stop - startNanos));
        if (settings.untilBookings() > 0) {
            fraction = Math.max(fraction, Math.min(1.0, confirmedBookings.sum() / (double) settings.untilBookings()));
        }
        int width = 30;
        int filled = (int) Math.round(fraction * width);
        long ops = 0;
        long conflicts = 0;
        long errors = workerFailures.sum();
        for (OperationStats operationStats : stats.values()) {
            ops += operationStats.total();
            conflicts += operationStats.conflicts.sum();
            errors += operationStats.errors.sum();
        }
        double measuredSeconds = Math.max(1e-9, (Math.min(now, stop) - measureFromNanos) / 1e9);
        String phase = now < measureFromNanos ? "warm-up" : String.format(Locale.ROOT, "%,.0f ops/s", ops / measuredSeconds);
        return String.format(Locale.ROOT, "[%s%s] %3.0f%%  ops %,d  %s  bookings %,d  conflicts %,d  errors %,d  "
                        + "retries %,d", "#".repeat(filled), ".".repeat(width - filled), fraction * 100, ops, phase,
                confirmedBookings.sum(), conflicts, errors, retries.sum());
    }
}
