package io.boxoffice.booking.app;

import io.boxoffice.booking.auth.PasswordHasher;
import io.boxoffice.booking.auth.PasswordWork;
import io.boxoffice.proto.booking.v1.Command;
import io.boxoffice.proto.booking.v1.CommandResult;
import io.boxoffice.proto.booking.v1.RegisterUser;
import io.boxoffice.proto.v1.CreateMovieRequest;
import io.boxoffice.proto.v1.CreateScreenRequest;
import io.boxoffice.proto.v1.CreateShowRequest;
import io.boxoffice.proto.v1.Money;
import io.boxoffice.proto.v1.ScreenLayout;
import io.boxoffice.proto.v1.SeatCategory;
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
 * Every command carries a fixed idempotency key, so a leader that fails half-way and its successor
 * replaying the load create nothing twice.
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
            return users().thenCompose(ignored -> catalogue()).thenRun(() -> loaded = true);
        });
    }

    private CompletableFuture<Void> users() {
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (DemoUser user : USERS) {
            chain = chain.thenCompose(ignored -> work.submit(() -> hasher.hash(user.password())))
                    .thenCompose(hash -> propose("demo/user/" + user.username(), stamper.forSystem("")
                            .setRegisterUser(RegisterUser.newBuilder().setUsername(user.username())
                                    .setPasswordHash(hash).addAllRoles(user.roles()))))
                    .thenApply(result -> null);
        }
        return chain;
    }

    private CompletableFuture<Void> catalogue() {
        List<CreateMovieRequest> movies = List.of(
                CreateMovieRequest.newBuilder().setTitle("The Raft Consensus").setDurationMinutes(112)
                        .setAgeRating("PG").addGenres("thriller").setDescription("Five servers, one truth.").build(),
                CreateMovieRequest.newBuilder().setTitle("Leader Election").setDurationMinutes(98)
                        .setAgeRating("PG-13").addGenres("drama").setDescription("Every term, a new hope.").build(),
                CreateMovieRequest.newBuilder().setTitle("Split Brain").setDurationMinutes(125)
                        .setAgeRating("R").addGenres("horror").setDescription("Two leaders. No quorum.").build());
        CompletableFuture<List<String>> movieIds = CompletableFuture.completedFuture(new ArrayList<>());
        for (int i = 0; i < movies.size(); i++) {
            CreateMovieRequest movie = movies.get(i);
            String key = "demo/movie/" + i;
            movieIds = movieIds.thenCompose(ids -> propose(key, stamper.forSystem("").setCreateMovie(movie))
                    .thenApply(result -> {
                        ids.add(result.getMovie().getId());
                        return ids;
                    }));
        }
        CompletableFuture<String> screenId = movieIds.thenCompose(ids -> propose("demo/screen/1",
                stamper.forSystem("").setCreateScreen(CreateScreenRequest.newBuilder().setName("Screen 1")
                        .setLayout(layout())))).thenApply(result -> result.getScreen().getId());
        return movieIds.thenCombine(screenId, Pair::new).thenCompose(pair -> shows(pair.movieIds(), pair.screenId()));
    }

    private record Pair(List<String> movieIds, String screenId) {
    }

    /** Eight rows of twelve: A..F standard 12.00 EUR, G..H premium 16.00 EUR; A1 and A12 blocked. */
    static ScreenLayout layout() {
        return ScreenLayout.newBuilder().setRowCount(8).setSeatsPerRow(12)
                .addCategories(SeatCategory.newBuilder().setName("standard")
                        .setPrice(Money.newBuilder().setAmountMinor(1200).setCurrency("EUR"))
                        .addAllRows(List.of("A", "B", "C", "D", "E", "F")))
                .addCategories(SeatCategory.newBuilder().setName("premium")
                        .setPrice(Money.newBuilder().setAmountMinor(1600).setCurrency("EUR"))
                        .addAllRows(List.of("G", "H")))
                .addBlockedSeatIds("A1").addBlockedSeatIds("A12").build();
    }

    private CompletableFuture<Void> shows(List<String> movieIds, String screenId) {
        Instant tomorrow = Instant.now().truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(1));
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (int i = 0; i < movieIds.size(); i++) {
            for (int day = 0; day < 2; day++) {
                long startsAt = tomorrow.plus(Duration.ofDays(day)).plus(Duration.ofHours(17 + 2L * i)).toEpochMilli();
                String key = "demo/show/" + i + "/" + day;
                CreateShowRequest show = CreateShowRequest.newBuilder().setMovieId(movieIds.get(i))
                        .setScreenId(screenId).setStartsAtMillis(startsAt).build();
                chain = chain.thenCompose(ignored -> propose(key, stamper.forSystem("").setCreateShow(show)))
                        .thenApply(result -> null);
            }
        }
        return chain;
    }

    private CompletableFuture<CommandResult> propose(String key, Command.Builder command) {
        return gateway.submit(command.setIdempotencyKey(key).build());
    }
}
