package io.boxoffice.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxoffice.cli.BookingCtl;
import io.boxoffice.cli.bench.BenchCommand.BenchSettings;
import io.boxoffice.cli.bench.OperationMix.Operation;
import io.boxoffice.cli.bench.SeatPool.Contention;
import io.boxoffice.cli.client.ClusterClient;
import io.grpc.inprocess.InProcessChannelBuilder;
import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whole load runs against {@link BenchFakeCluster}: how a run ends, abandoned holds, and errors counted truthfully. */
class BenchRunTest {

    final BenchFakeCluster cluster;
    final ClusterClient client;
    final StringWriter log = new StringWriter();
    @TempDir
    Path directory;

    BenchRunTest() throws Exception {
        cluster = new BenchFakeCluster(System::currentTimeMillis);
        client = cluster.client();
    }

    @AfterEach
    void stop() {
        client.close();
        cluster.close();
    }

    static BenchSettings settings(int concurrency, int users, Duration duration, long untilBookings, String mix,
                                  Contention contention, int shows) {
        BenchSettings settings = new BenchSettings(concurrency, duration, Duration.ZERO, untilBookings, contention,
                OperationMix.parse(mix), 2, shows, users, 5, 7);
        settings.validate();
        return settings;
    }

    BenchReport run(BenchSettings settings, long expirySlackNanos, Path statusFile) throws Exception {
        BenchSetup.Prepared prepared = new BenchSetup(client, new PrintWriter(log, true), System::currentTimeMillis)
                .prepare("admin", "admin123", settings.shows(), settings.users(),
                        () -> new AbandonedHolds(settings.abandonSlotsPerUser(), expirySlackNanos));
        SeatPool pool = SeatPool.of(prepared.showIds(), BenchSetup.ROWS, BenchSetup.SEATS_PER_ROW, settings.contention());
        return new BenchRun(client, settings, pool, prepared.showIds(), prepared.users(), new PrintWriter(log, true),
                false, false, statusFile == null ? null : new BenchStatusFile(statusFile, new PrintWriter(log, true)))
                .execute();
    }

    @Test
    void until_bookings_ends_a_long_run_once_that_many_bookings_are_confirmed() throws Exception {
        Path status = directory.resolve("status");
        BenchReport report = run(settings(4, 4, Duration.ofHours(1), 300, "book=3,hold-confirm=1,cancel=1,seatmap=1",
                Contention.NONE, 4), AbandonedHolds.EXPIRY_SLACK_NANOS, status);

        assertThat(report.confirmedBookings()).isBetween(300L, 300L + 4);
        assertThat(report.seconds()).as("measured until the 300th booking, not the hour").isLessThan(60);
        assertThat(report.total().errors()).isZero();
        assertThat(report.total().conflicts()).as("contention none: no client competes for a seat").isZero();
        assertThat(report.operations().get(Operation.CANCEL).ok()).isPositive();
        long booked = cluster.bookings.size();
        assertThat(booked).isEqualTo(report.confirmedBookings());

        Map<String, String> lines = BenchStatusFile.read(status);
        assertThat(lines).containsEntry("phase", "done").containsEntry("errors", "0")
                .containsEntry("confirmed_bookings", Long.toString(report.confirmedBookings()))
                .containsEntry("cancels", Long.toString(report.operations().get(Operation.CANCEL).ok()));
        assertThat(report.json()).contains("\"until_bookings\": 300", "\"confirmed_bookings\": " + report.confirmedBookings());
    }

    @Test
    void abandoned_holds_expire_on_the_cluster_and_never_run_into_the_per_user_hold_limit() throws Exception {
        cluster.holdLifetimeMillis = 100;
        cluster.expiryLagMillis = 50;
        BenchReport report = run(settings(2, 2, Duration.ofMillis(2500), 0, "hold-abandon=3,book=1", Contention.NONE, 2),
                200_000_000L, null);

        long abandoned = report.operations().get(Operation.HOLD_ABANDON).ok();
        assertThat(report.total().errors()).isZero();
        assertThat(cluster.holdsRefusedForTheLimit).hasValue(0);
        // 3 slots per user (5 - 1 spare - 1 for hold-confirm does not apply: none in the mix): reuse shows.
        assertThat(abandoned).as("slots were reused after their holds expired").isGreaterThan(2L * 3 * 2);
        assertThat(cluster.holdsExpired.get()).isGreaterThanOrEqualTo((int) abandoned - 2 * 4);
        assertThat(report.abandonsDeferred()).as("draws beyond the free slots book instead").isPositive();
    }

    @Test
    void holds_the_cluster_refuses_are_errors_of_the_run_with_their_message() throws Exception {
        // The sweep runs 5 s late and the bench allows no slack: the user's holds still count when it abandons more.
        cluster.holdLifetimeMillis = 50;
        cluster.expiryLagMillis = 5_000;
        cluster.activeHoldsPerUserMax = 2;
        BenchSettings settings = new BenchSettings(1, Duration.ofMillis(800), Duration.ZERO, 0, Contention.NONE,
                OperationMix.parse("hold-abandon=1"), 2, 1, 1, 4, 7);
        BenchReport report = run(settings, 0, null);

        assertThat(cluster.holdsRefusedForTheLimit.get()).isPositive();
        assertThat(report.operations().get(Operation.HOLD_ABANDON).errors()).isEqualTo(cluster.holdsRefusedForTheLimit.get());
        assertThat(report.errorMessages().keySet()).anyMatch(message -> message.contains("active holds"));
        assertThat(report.text()).contains("errors:");
    }

    @Test
    void the_command_exits_1_when_any_operation_failed_and_0_when_none_did() throws Exception {
        Path status = directory.resolve("status");
        CommandRun clean = command("--until-bookings", "100", "--status-file", status.toString());
        assertThat(clean.exit()).as(clean.err()).isZero();
        assertThat(clean.out()).contains("\"confirmed_bookings\": 10").contains("\"errors\": 0");
        assertThat(BenchStatusFile.read(status)).containsEntry("phase", "done");

        cluster.failEveryNthBook = 5;
        CommandRun failing = command("--until-bookings", "100");
        assertThat(failing.exit()).isEqualTo(1);
        assertThat(failing.out()).contains("injected failure");
    }

    record CommandRun(int exit, String out, String err) {
    }

    CommandRun command(String... extra) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        BookingCtl root = new BookingCtl(new PrintWriter(out, true), new PrintWriter(err, true),
                new BufferedReader(new StringReader("")), Map.of("BOOKINGCTL_CONFIG_DIR", directory.toString()),
                Clock.systemUTC(), (endpoints, policy) -> new ClusterClient(endpoints, policy,
                        endpoint -> InProcessChannelBuilder.forName(cluster.name()).build(), millis -> { }, () -> 0.0),
                false);
        String[] base = {"bench", "-c", "4", "--users", "4", "--contention", "none", "--shows", "4", "--duration", "1h",
                "--mix", "book=3,hold-confirm=1,cancel=1,hold-abandon=1,seatmap=1", "--no-progress", "-o", "json",
                "--attempts", "1"};
        String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(base), java.util.Arrays.stream(extra))
                .toArray(String[]::new);
        return new CommandRun(BookingCtl.run(root, args), out.toString(), err.toString());
    }
}
