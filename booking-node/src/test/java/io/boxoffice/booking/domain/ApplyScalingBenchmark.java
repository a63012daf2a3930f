package io.boxoffice.booking.domain;

import io.boxoffice.booking.domain.store.StateStore;
import io.boxoffice.proto.replicated.v1.Actor;
import io.boxoffice.proto.replicated.v1.BookSeats;
import io.boxoffice.proto.replicated.v1.CancelBooking;
import io.boxoffice.proto.replicated.v1.ConfirmHold;
import io.boxoffice.proto.replicated.v1.HoldRecord;
import io.boxoffice.proto.replicated.v1.HoldSeats;
import io.boxoffice.proto.replicated.v1.RegisterUser;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How apply's cost changes as the state grows: the soak's mix (book 45, hold and confirm 20, cancel a
 * random earlier booking 15, abandoned hold 5) applied straight to a {@link BookingStateMachine} on RocksDB,
 * one command per log entry (the worst case: the cluster batches), over 700 shows of 1,040 seats, printing
 * the time per 10,000 bookings and the store's shape. A benchmark, not a test: surefire does not pick it up
 * (no Test suffix); run it with {@code scripts/apply-benchmark.sh [bookings]} on a quiet machine.
 * It found apply slowing down with history twice (docs/BENCHMARKS.md "Apply as the state grows").
 */
class ApplyScalingBenchmark {

    private static final int SHOWS = 700;
    private static final int SEATS = 26 * 40;

    @TempDir
    Path directory;

    @Test
    void applyCostAsTheStateGrows() {
        int target = Integer.getInteger("bench.bookings", 200_000);
        try (DomainFixture fixture = new DomainFixture(directory)) {
            String movie = fixture.movie("Bench", 120);
            String screen = fixture.screen(DomainFixture.layout(26, 40));
            List<String> shows = new ArrayList<>();
            for (int i = 0; i < SHOWS; i++) {
                shows.add(fixture.show(movie, screen, DomainFixture.T0 + (72 + 3L * i) * DomainFixture.HOUR).getId());
            }
            List<Actor> users = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                String username = "bench" + i;
                users.add(Actors.user(fixture.run(DomainFixture.ADMIN, c -> c.setRegisterUser(RegisterUser.newBuilder()
                        .setUsername(username).setPasswordHash("$pbkdf2$x"))).user().getId()));
            }
            Random random = new Random(1);
            List<Object[]> booked = new ArrayList<>();
            int bookings = 0;
            int operations = 0;
            int cursor = 0;
            int reported = 0;
            long since = System.nanoTime();
            System.out.println("bookings  ms/10k  log-index  L0-files  sst-MiB  block-cache-MiB");
            while (bookings < target) {
                int op = random.nextInt(85);
                Actor user = users.get(random.nextInt(users.size()));
                String show = shows.get(cursor / SEATS % SHOWS);
                var seats = DomainFixture.seats(seat(cursor % SEATS), seat(cursor % SEATS + 1));
                cursor += 2;
                fixture.advance(5);
                String key = "k" + operations++;
                if (op < 45) {
                    CommandOutcome outcome = fixture.run(user, key, c -> c.setBookSeats(BookSeats.newBuilder()
                            .setShowId(show).setSeats(seats)
                            .setAuthorization(DomainFixture.authorized("pay_" + key, DomainFixture.eur(2400)))));
                    if (!outcome.isRejected()) {
                        bookings++;
                        booked.add(new Object[] {outcome.booking().getId(), user});
                    }
                } else if (op < 65) {
                    CommandOutcome held = fixture.run(user, key, c -> c.setHoldSeats(HoldSeats.newBuilder()
                            .setShowId(show).setSeats(seats)));
                    if (!held.isRejected()) {
                        HoldRecord hold = held.hold();
                        CommandOutcome outcome = fixture.run(user, key + "c", c -> c.setConfirmHold(ConfirmHold
                                .newBuilder().setHoldId(hold.getId())
                                .setAuthorization(DomainFixture.authorized("pay_" + key, hold.getAmount()))));
                        if (!outcome.isRejected()) {
                            bookings++;
                            booked.add(new Object[] {outcome.booking().getId(), user});
                        }
                    }
                } else if (op < 80) {
                    if (!booked.isEmpty()) {
                        Object[] booking = booked.remove(random.nextInt(booked.size()));
                        fixture.run((Actor) booking[1], key, c -> c.setCancelBooking(CancelBooking.newBuilder()
                                .setBookingId((String) booking[0])));
                    }
                } else {
                    fixture.run(user, key, c -> c.setHoldSeats(HoldSeats.newBuilder().setShowId(show).setSeats(seats)));
                }
                if (bookings / 10_000 > reported) {
                    reported = bookings / 10_000;
                    long now = System.nanoTime();
                    StateStore store = fixture.machine.store();
                    System.out.printf("%8d  %6d  %9d  %8s  %7d  %15d%n", bookings, (now - since) / 1_000_000,
                            fixture.index, store.textProperty("rocksdb.num-files-at-level0"),
                            store.property("rocksdb.total-sst-files-size") >> 20, store.blockCacheUsageBytes() >> 20);
                    since = now;
                }
            }
        }
    }

    private static String seat(int index) {
        return String.valueOf((char) ('A' + index / 40)) + (index % 40 + 1);
    }
}
