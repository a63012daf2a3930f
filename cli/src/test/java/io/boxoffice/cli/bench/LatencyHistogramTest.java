package io.boxoffice.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.boxoffice.cli.bench.OperationMix.Operation;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    @Test
    void percentiles_of_a_known_distribution() {
        LatencyHistogram histogram = new LatencyHistogram();
        for (int millis = 1; millis <= 1000; millis++) {
            histogram.recordNanos(millis * 1_000_000L);
        }
        LatencyHistogram.Summary summary = LatencyHistogram.Summary.of(histogram.snapshot());
        assertThat(summary.count()).isEqualTo(1000);
        assertThat(summary.p50Millis()).isCloseTo(500, within(1.0));
        assertThat(summary.p90Millis()).isCloseTo(900, within(1.0));
        assertThat(summary.p99Millis()).isCloseTo(990, within(1.0));
        assertThat(summary.p999Millis()).isCloseTo(999, within(1.0));
        assertThat(summary.maxMillis()).isCloseTo(1000, within(1.0));
        assertThat(summary.meanMillis()).isCloseTo(500.5, within(1.0));
    }

    @Test
    void recording_from_many_threads_loses_nothing() throws Exception {
        LatencyHistogram histogram = new LatencyHistogram();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        for (int thread = 0; thread < 8; thread++) {
            pool.submit(() -> {
                for (int i = 0; i < 10_000; i++) {
                    histogram.recordNanos(2_000_000L);
                }
            });
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        assertThat(histogram.snapshot().getTotalCount()).isEqualTo(80_000);
        // A second snapshot keeps what the first one folded in.
        assertThat(histogram.snapshot().getTotalCount()).isEqualTo(80_000);
    }

    @Test
    void buckets_double_and_count_every_value_once() {
        Histogram histogram = new Histogram(LatencyHistogram.HIGHEST_TRACKABLE_MICROS, 3);
        histogram.recordValue(900);      // 0.9 ms -> (0.5, 1]
        histogram.recordValue(1000);     // 1 ms exactly -> (0.5, 1]
        histogram.recordValue(1001);     // just above 1 ms -> (1, 2]
        histogram.recordValue(7_000);    // 7 ms -> (4, 8]
        List<LatencyHistogram.Bucket> buckets = LatencyHistogram.buckets(histogram);
        assertThat(buckets).containsExactly(new LatencyHistogram.Bucket(1.0, 2), new LatencyHistogram.Bucket(2.0, 1),
                new LatencyHistogram.Bucket(4.0, 0), new LatencyHistogram.Bucket(8.0, 1));
        assertThat(buckets.stream().mapToLong(LatencyHistogram.Bucket::count).sum()).isEqualTo(4);
    }

    @Test
    void the_rendered_histogram_scales_bars_to_the_largest_bucket() {
        Histogram histogram = new Histogram(LatencyHistogram.HIGHEST_TRACKABLE_MICROS, 3);
        histogram.recordValueWithCount(1000, 10);
        histogram.recordValueWithCount(3000, 5);
        String text = LatencyHistogram.render(histogram, 20);
        assertThat(text.split("\n")).containsExactly(
                "  <=         1 ms  #################### 10",
                "  <=         2 ms                       0",
                "  <=         4 ms  ##########           5");
        assertThat(LatencyHistogram.render(new Histogram(3600_000_000L, 3), 20)).isEmpty();
    }

    @Test
    void the_mix_draws_operations_in_proportion_to_their_weights() {
        OperationMix mix = OperationMix.parse("book=50, seatmap=25,cancel=25");
        Map<Operation, Integer> drawn = new HashMap<>();
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 100_000; i++) {
            drawn.merge(mix.pick(random.nextDouble()), 1, Integer::sum);
        }
        assertThat(drawn.get(Operation.BOOK)).isBetween(49_000, 51_000);
        assertThat(drawn.get(Operation.SEAT_MAP)).isBetween(24_000, 26_000);
        assertThat(drawn).doesNotContainKey(Operation.HOLD_CONFIRM);
        assertThat(mix.pick(0.0)).isEqualTo(Operation.BOOK);
        assertThat(mix.pick(0.9999)).isEqualTo(Operation.CANCEL);
    }

    @Test
    void a_bad_mix_is_refused_with_the_reason() {
        assertThatThrownBy(() -> OperationMix.parse("book")).hasMessageContaining("operation=weight");
        assertThatThrownBy(() -> OperationMix.parse("fly=3")).hasMessageContaining("unknown operation 'fly'");
        assertThatThrownBy(() -> OperationMix.parse("book=0")).hasMessageContaining("positive weight");
        assertThatThrownBy(() -> OperationMix.parse("book=1,book=2")).hasMessageContaining("twice");
    }

    @Test
    void contention_decides_how_many_seats_clients_fight_over() {
        List<String> shows = List.of("s1", "s2", "s3");
        assertThat(SeatPool.of(shows, 26, 40, SeatPool.Contention.HIGH).size()).isEqualTo(8);
        assertThat(SeatPool.of(shows, 26, 40, SeatPool.Contention.MEDIUM).size()).isEqualTo(160);
        assertThat(SeatPool.of(shows, 26, 40, SeatPool.Contention.LOW).size()).isEqualTo(3 * 26 * 40);
        SeatPool high = SeatPool.of(shows, 26, 40, SeatPool.Contention.HIGH);
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < 1000; i++) {
            SeatPool.Pick pick = high.pick(random, 2);
            assertThat(pick.showId()).isEqualTo("s1");
            assertThat(pick.seatIds()).hasSize(2).allMatch(seat -> seat.matches("A[1-8]"));
            int first = Integer.parseInt(pick.seatIds().get(0).substring(1));
            assertThat(pick.seatIds().get(1)).isEqualTo("A" + (first + 1));
        }
    }

    @Test
    void durations_parse_in_the_usual_units() {
        assertThat(BenchCommand.parseDuration("30s").toSeconds()).isEqualTo(30);
        assertThat(BenchCommand.parseDuration("2m").toSeconds()).isEqualTo(120);
        assertThat(BenchCommand.parseDuration("45").toSeconds()).isEqualTo(45);
        assertThat(BenchCommand.parseDuration("250ms").toMillis()).isEqualTo(250);
        assertThatThrownBy(() -> BenchCommand.parseDuration("soon")).hasMessageContaining("30s, 2m or 1h");
    }
}
