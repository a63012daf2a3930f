package io.boxoffice.cli.bench;

import io.boxoffice.cli.bench.BenchCommand.BenchSettings;
import io.boxoffice.cli.bench.BenchRun.OperationStats;
import io.boxoffice.cli.bench.LatencyHistogram.Summary;
import io.boxoffice.cli.bench.OperationMix.Operation;
import io.boxoffice.cli.commands.Output;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;

/** The outcome of a load run, as a text report or JSON for scripts. */
record BenchReport(BenchSettings settings, int poolSeats, int poolShows, double seconds, Map<Operation, Line> operations,
                   Line total, long confirmedBookings, long retries, long abandonsDeferred, Histogram overall,
                   Map<String, Long> errorMessages) {

    /** Counts and latency of one operation (or of all). */
    record Line(long ok, long conflicts, long errors, Summary latency) {
        long served() {
            return ok + conflicts;
        }
    }

    static BenchReport of(BenchSettings settings, int poolSeats, int poolShows, double seconds,
                          Map<Operation, OperationStats> stats, long confirmedBookings, long retries,
                          long abandonsDeferred, long workerFailures, Map<String, LongAdder> errors) {
        Map<Operation, Line> operations = new LinkedHashMap<>();
        Histogram overall = new Histogram(LatencyHistogram.HIGHEST_TRACKABLE_MICROS, 3);
        long ok = 0;
        long conflicts = 0;
        long failed = 0;
        for (Map.Entry<Operation, OperationStats> entry : stats.entrySet()) {
            if (settings.mix().weight(entry.getKey()) == 0 && entry.getValue().total() == 0) {
                continue;
            }
            Histogram histogram = entry.getValue().latency.snapshot();
            overall.add(histogram);
            OperationStats s = entry.getValue();
            operations.put(entry.getKey(), new Line(s.ok.sum(), s.conflicts.sum(), s.errors.sum(), Summary.of(histogram)));
            ok += s.ok.sum();
            conflicts += s.conflicts.sum();
            failed += s.errors.sum();
        }
        // A worker that died is an error of no single operation; it counts in the total.
        failed += workerFailures;
        Map<String, Long> messages = new LinkedHashMap<>();
        errors.forEach((message, count) -> messages.put(message, count.sum()));
        return new BenchReport(settings, poolSeats, poolShows, seconds, operations, new Line(ok, conflicts, failed,
                Summary.of(overall)), confirmedBookings, retries, abandonsDeferred, overall, messages);
    }

    double opsPerSecond(Line line) {
        return line.served() / seconds;
    }

    String text() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "bench: %d clients (%d users) for %.1f s, contention %s over %,d seats "
                        + "of %,d shows, mix %s%n", settings.concurrency(), settings.users(), seconds,
                settings.contention().name().toLowerCase(Locale.ROOT), poolSeats, poolShows, settings.mix().describe()));
        out.append(String.format(Locale.ROOT, "throughput: %,.1f ops/s, %,.1f confirmed bookings/s (%,d confirmed); "
                + "%,d retries%n", opsPerSecond(total), confirmedBookings / seconds, confirmedBookings, retries));
        if (abandonsDeferred > 0) {
            out.append(String.format(Locale.ROOT, "hold-abandon: %,d draws booked instead (every hold slot of the user "
                    + "was still taken by abandoned holds that had not expired)%n", abandonsDeferred));
        }
        out.append('\n');
        out.append(String.format(Locale.ROOT, "%-13s %9s %9s %9s %7s %9s %9s %9s %9s %9s%n", "operation", "ok",
                "conflict", "error", "ops/s", "p50 ms", "p90 ms", "p99 ms", "p999 ms", "max ms"));
        operations.forEach((operation, line) -> out.append(row(operation.label(), line)));
        out.append(row("all", total));
        out.append("\nlatency histogram (all operations):\n").append(LatencyHistogram.render(overall, 40));
        if (!errorMessages.isEmpty()) {
            out.append("\nerrors:\n");
            errorMessages.forEach((message, count) -> out.append(String.format(Locale.ROOT, "  %,8d  %s%n", count, message)));
        }
        return out.toString();
    }

    private String row(String name, Line line) {
        Summary latency = line.latency();
        return String.format(Locale.ROOT, "%-13s %9d %9d %9d %7.1f %9.2f %9.2f %9.2f %9.2f %9.2f%n", name, line.ok(),
                line.conflicts(), line.errors(), opsPerSecond(line), latency.p50Millis(), latency.p90Millis(),
                latency.p99Millis(), latency.p999Millis(), latency.maxMillis());
    }

    String json() {
        List<String> operationJson = new ArrayList<>();
        operations.forEach((operation, line) -> operationJson.add(Output.quote(operation.label()) + ": " + lineJson(line)));
        List<String> buckets = new ArrayList<>();
        for (LatencyHistogram.Bucket bucket : LatencyHistogram.buckets(overall)) {
            buckets.add(String.format(Locale.ROOT, "{\"le_ms\": %s, \"count\": %d}", bucket.upperMillis(), bucket.count()));
        }
        List<String> errors = new ArrayList<>();
        errorMessages.forEach((message, count) -> errors.add("{\"message\": " + Output.quote(message) + ", \"count\": "
                + count + "}"));
        return String.format(Locale.ROOT, "{\"concurrency\": %d, \"duration_seconds\": %.3f, \"contention\": %s, "
                        + "\"pool_seats\": %d, \"pool_shows\": %d, \"users\": %d, \"mix\": %s, "
                        + "\"seats_per_operation\": %d, \"until_bookings\": %d, \"ops_per_second\": %.3f, "
                        + "\"confirmed_bookings\": %d, \"confirmed_bookings_per_second\": %.3f, \"retries\": %d, "
                        + "\"abandons_deferred\": %d, \"total\": %s, \"operations\": {%s}, \"histogram\": [%s], "
                        + "\"errors\": [%s]}",
                settings.concurrency(), seconds, Output.quote(settings.contention().name().toLowerCase(Locale.ROOT)),
                poolSeats, poolShows, settings.users(), Output.quote(settings.mix().describe()),
                settings.seatsPerOperation(), settings.untilBookings(), opsPerSecond(total), confirmedBookings,
                confirmedBookings / seconds, retries, abandonsDeferred, lineJson(total),
                String.join(", ", operationJson), String.join(", ", buckets), String.join(", ", errors));
    }

    private String lineJson(Line line) {
        return String.format(Locale.ROOT, "{\"ok\": %d, \"conflicts\": %d, \"errors\": %d, \"ops_per_second\": %.3f, "
                + "\"latency_ms\": %s}", line.ok(), line.conflicts(), line.errors(), opsPerSecond(line),
                line.latency().json());
    }
}
