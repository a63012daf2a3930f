package io.boxoffice.booking.app;

import io.boxoffice.booking.auth.PasswordHasher;
import io.boxoffice.booking.domain.CommandOutcome;
import io.boxoffice.proto.replicated.v1.Command;
import io.boxoffice.proto.replicated.v1.CreateMovie;
import io.boxoffice.proto.replicated.v1.CreateScreen;
import io.boxoffice.proto.replicated.v1.CreateShow;
import io.boxoffice.proto.replicated.v1.LayoutRecord;
import io.boxoffice.proto.replicated.v1.MoneyRecord;
import io.boxoffice.proto.replicated.v1.RegisterUser;
import io.boxoffice.proto.replicated.v1.SeatCategoryRecord;
import io.boxoffice.booking.auth.PasswordWork;
import io.boxoffice.raft.server.ReadConsistency;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jboss.logging.Logger;

/**
 * The demo users ({@code user1/password1}, {@code user2/password2}, {@code admin/admin123}) and a small
 * catalogue, proposed by the leader when {@code boxoffice.demo-data=true} and the state has no users yet.
 * All of it is one Raft entry (one {@code CommandBatch}): it commits whole or not at all, so a leader that
 * fails while loading leaves either everything or nothing, and its successor's linearizable "no users yet?"
 * check (made after the successor committed an entry of its own term, §8) decides correctly whether to load.
 */
@ApplicationScoped
public class DemoData {

    private static final Logger LOG = Logger.getLogger(DemoData.class);

    record DemoUser(String username, String password, List<String> roles) {
    }

    static final List<DemoUser> USERS = List.of(new DemoUser("user1", "password1", List.of("user")),
            new DemoUser("user2", "password2", List.of("user")),
            new DemoUser("admin", "admin123", List.of("user", "admin")));

    @Inject
    CommandGateway gateway;
    @Inject
    CommandStamper stamper;
    @Inject
    BookingQueries queries;
    @Inject
    PasswordHasher hasher;
    @Inject
    PasswordWork work;

    private volatile boolean loaded;

    /** Loads the demo data unless some user exists; completes when done. */
    public CompletableFuture<Void> loadIfEmpty() {
        if (loaded) {
            return CompletableFuture.completedFuture(null);
        }
        return gateway.read(queries::hasUsers, ReadConsistency.LINEARIZABLE).thenCompose(hasUsers -> {
            if (hasUsers) {
                loaded = true;
                return CompletableFuture.completedFuture(null);
            }
            LOG.info("loading demo data (boxoffice.demo-data=true): users user1, user2, admin and a small catalogue");
            return work.submit(() -> USERS.stream().map(user -> hasher.hash(user.password())).toList())
                    .thenCompose(hashes -> gateway.submitAll(commands(hashes)))
                    .thenAccept(outcomes -> {
                        for (CommandOutcome outcome : outcomes) {
                            if (outcome.isRejected()) {
                                throw new IllegalStateException("demo data refused: " + outcome.rejection().getMessage());
                            }
                        }
                        loaded = true;
                    });
        });
    }

    private List<Command> commands(List<String> passwordHashes) {
        List<Command> commands = new ArrayList<>();
        for (int i = 0; i < USERS.size(); i++) {
            DemoUser user = USERS.get(i);
            commands.add(stamper.forSystem("", "").setRegisterUser(RegisterUser.newBuilder()
                    .setUsername(user.username()).setPasswordHash(passwordHashes.get(i)).addAllRoles(user.roles()))
                    .build());
        }
        List<CreateMovie> movies = List.of(
                CreateMovie.newBuilder().setTitle("The Raft Consensus").setDurationMinutes(112)
                        .setAgeRating("PG").addGenres("thriller").setDescription("Five servers, one truth.").build(),
                CreateMovie.newBuilder().setTitle("Leader Election").setDurationMinutes(98)
                        .setAgeRating("PG-13").addGenres("drama").setDescription("Every term, a new hope.").build(),
                CreateMovie.newBuilder().setTitle("Split Brain").setDurationMinutes(125)
                        .setAgeRating("R").addGenres("horror").setDescription("Two leaders. No quorum.").build());
        // The ids are the stamped new_ids with the entity prefix, so later commands of the batch can name them.
        List<String> movieIds = new ArrayList<>();
        for (CreateMovie movie : movies) {
            Command command = stamper.forSystem("", "").setCreateMovie(movie).build();
            movieIds.add("mov_" + command.getNewId());
            commands.add(command);
        }
        Command screen = stamper.forSystem("", "").setCreateScreen(CreateScreen.newBuilder().setName("Screen 1")
                .setLayout(layout())).build();
        commands.add(screen);
        String screenId = "scr_" + screen.getNewId();
        Instant tomorrow = Instant.now().truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(1));
        for (int i = 0; i < movieIds.size(); i++) {
            for (int day = 0; day < 2; day++) {
                long startsAt = tomorrow.plus(Duration.ofDays(day)).plus(Duration.ofHours(17 + 2L * i)).toEpochMilli();
                commands.add(stamper.forSystem("", "").setCreateShow(CreateShow.newBuilder()
                        .setMovieId(movieIds.get(i)).setScreenId(screenId).setStartsAtMillis(startsAt)).build());
            }
        }
        return commands;
    }

    /** Eight rows of twelve: A..F standard 12.00 EUR, G..H premium 16.00 EUR; A1 and A12 blocked. */
    static LayoutRecord layout() {
        return LayoutRecord.newBuilder().setRowCount(8).setSeatsPerRow(12)
                .addCategories(SeatCategoryRecord.newBuilder().setName("standard")
                        .setPrice(MoneyRecord.newBuilder().setAmountMinor(1200).setCurrency("EUR"))
                        .addAllRows(List.of("A", "B", "C", "D", "E", "F")))
                .addCategories(SeatCategoryRecord.newBuilder().setName("premium")
                        .setPrice(MoneyRecord.newBuilder().setAmountMinor(1600).setCurrency("EUR"))
                        .addAllRows(List.of("G", "H")))
                .addBlockedSeatIds("A1").addBlockedSeatIds("A12").build();
    }
}
