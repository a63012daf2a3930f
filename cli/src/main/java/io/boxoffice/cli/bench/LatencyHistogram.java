package io.boxoffice.cli.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.HdrHistogram.Recorder;

/**
 * Latencies of one kind of operation, recorded from many threads without locks (HdrHistogram's
 * {@link Recorder}, 3 significant digits, 1 µs to 1 h), read as percentiles and as log-scale buckets.
 */
public final class LatencyHistogram {

    static final long HIGHEST_TRACKABLE_MICROS = 3_600_000_000L;

    /** Upper bound of the first printed bucket; each further bucket doubles it. */
    static final long FIRST_BUCKET_MICROS = 250;

    /** 0.25 ms doubled 34 times exceeds the trackable hour. */
    static final int BUCKETS_MAX = 35;

    private final Recorder recorder = new Recorder(HIGHEST_TRACKABLE_MICROS, 3);
    private final Histogram total = new Histogram(HIGHEST_TRACKABLE_MICROS, 3);

    /** Records one latency; values beyond one hour are clamped. Thread-safe. */
    public void recordNanos(long nanos) {
        long micros = Math.max(1, Math.min(HIGHEST_TRACKABLE_MICROS, nanos / 1000));
        recorder.recordValue(micros);
    }

    /** Everything recorded so far (folds the recorder's interval into the running total). */
    public synchronized Histogram snapshot() {
        total.add(recorder.getIntervalHistogram());
        return total.copy();
    }

    /** A read-only summary of a histogram, in milliseconds. */
    public record Summary(long count, double meanMillis, double p50Millis, double p90Millis, double p99Millis,
                          double p999Millis, double maxMillis) {

        public static Summary of(Histogram histogram) {
            if (histogram.getTotalCount() == 0) {
                return new Summary(0, 0, 0, 0, 0, 0, 0);
            }
            return new Summary(histogram.getTotalCount(), histogram.getMean() / 1000.0,
                    histogram.getValueAtPercentile(50) / 1000.0, histogram.getValueAtPercentile(90) / 1000.0,
                    histogram.getValueAtPercentile(99) / 1000.0, histogram.getValueAtPercentile(99.9) / 1000.0,
                    histogram.getMaxValue() / 1000.0);
        }

        public String json() {
            return String.format(Locale.ROOT, "{\"count\": %d, \"mean\": %.3f, \"p50\": %.3f, \"p90\": %.3f, "
                    + "\"p99\": %.3f, \"p999\": %.3f, \"max\": %.3f}", count, meanMillis, p50Millis, p90Millis,
                    p99Millis, p999Millis, maxMillis);
        }
    }

    /** One bucket of the printed histogram: latencies in (previous bound, upperMillis]. */
    public record Bucket(double upperMillis, long count) {
    }

    /**
     * Counts per power-of-two bucket from 0.25 ms up to the bucket holding the maximum; empty leading buckets
     * are dropped so the picture starts where the data does.
     */
    public static List<Bucket> buckets(Histogram histogram) {
        List<Bucket> buckets = new ArrayList<>();
        if (histogram.getTotalCount() == 0) {
            return buckets;
        }
        long[] counts = new long[BUCKETS_MAX];
        int lowest = BUCKETS_MAX;
        int highest = 0;
        for (HistogramIterationValue value : histogram.recordedValues()) {
            int index = bucketIndex(histogram.highestEquivalentValue(value.getValueIteratedTo()));
            counts[index] += value.getCountAddedInThisIterationStep();
            lowest = Math.min(lowest, index);
            highest = Math.max(highest, index);
        }
        for (int index = lowest; index <= highest; index++) {
            buckets.add(new Bucket(FIRST_BUCKET_MICROS * (1L << index) / 1000.0, counts[index]));
        }
        return buckets;
    }

    /** Index of the bucket (0.25 ms, 0.5 ms, 1 ms, ...] holding {@code micros}. */
    static int bucketIndex(long micros) {
        int index = 0;
        long upper = FIRST_BUCKET_MICROS;
        while (micros > upper && index < BUCKETS_MAX - 1) {
            upper *= 2;
            index++;
        }
        return index;
    }

    /** The buckets as bars of at most {@code widthMax} characters. */
    public static String render(Histogram histogram, int widthMax) {
        List<Bucket> buckets = buckets(histogram);
        long most = buckets.stream().mapToLong(Bucket::count).max().orElse(0);
        StringBuilder out = new StringBuilder();
        for (Bucket bucket : buckets) {
            int width = most == 0 ? 0 : (int) Math.round((double) bucket.count() * widthMax / most);
            if (bucket.count() > 0 && width == 0) {
                width = 1;
            }
            out.append(String.format(Locale.ROOT, "  <= %9s ms  %-" + widthMax + "s %d%n",
                    trim(bucket.upperMillis()), "#".repeat(width), bucket.count()));
        }
        return out.toString();
    }

    private static String trim(double millis) {
        return millis == Math.rint(millis) ? String.valueOf((long) millis) : String.valueOf(millis);
    }
}
