package io.boxoffice.booking.app;

import io.boxoffice.booking.auth.LoginThrottle;
import io.boxoffice.booking.auth.PasswordHasher;
import io.boxoffice.booking.auth.TokenService;
import io.boxoffice.booking.auth.Role;
import io.boxoffice.booking.auth.PasswordWork;
import io.boxoffice.booking.cluster.ClusterNode;
import io.boxoffice.booking.metrics.BoxofficeMetrics;
import io.boxoffice.proto.replicated.v1.UserRecord;
import io.boxoffice.proto.v1.LoginRequest;
import io.boxoffice.proto.v1.LoginResponse;
import io.boxoffice.raft.errors.NotLeaderException;
import io.boxoffice.raft.server.ReadConsistency;
import io.grpc.Metadata;
import io.grpc.Status;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Checks a user name and password and issues a token. The throttle is consulted before the slow hash,
 * and an unknown user name costs the same hash as a known one, so neither timing nor the message tells an
 * attacker which names exist.
 *
 * <p>Users are never deleted and passwords never change, so a user found in this node's applied state
 * (a stale read) is current; only a name not found there needs the leader (linearizable read, forwarded).
 */
@ApplicationScoped
public class LoginService {

    public static final Metadata.Key<String> RETRY_AFTER_MILLIS = Metadata.Key.of("x-boxoffice-retry-after-millis",
            Metadata.ASCII_STRING_MARSHALLER);

    @Inject
    CommandGateway gateway;
    @Inject
    BookingQueries queries;
    @Inject
    ClusterNode node;
    @Inject
    LoginThrottle throttle;
    @Inject
    PasswordHasher hasher;
    @Inject
    PasswordWork work;
    @Inject
    TokenService tokens;
    @Inject
    BoxofficeMetrics metrics;

    private volatile String dummyHash;

    public CompletableFuture<LoginResponse> login(LoginRequest request, String source) {
        String username = request.getUsername();
        long waitMillis = throttle.retryAfterMillis(username, source);
        if (waitMillis > 0) {
            metrics.login("throttled");
            Metadata trailers = new Metadata();
            trailers.put(RETRY_AFTER_MILLIS, String.valueOf(waitMillis));
            throw Status.RESOURCE_EXHAUSTED.withDescription("too many failed logins for this user or from this "
                    + "address; retry in " + Math.max(1, (waitMillis + 999) / 1000) + " s").asRuntimeException(trailers);
        }
        return findUser(username).thenCompose(user -> work.submit(() -> check(user, request, source)));
    }

    private CompletableFuture<Optional<UserRecord>> findUser(String username) {
        ReadConsistency consistency = node.isLeader() ? ReadConsistency.LINEARIZABLE : ReadConsistency.STALE;
        return gateway.read(() -> queries.userByUsername(username), consistency).thenApply(user -> {
            if (user.isEmpty() && consistency == ReadConsistency.STALE) {
                // Maybe created a moment ago: only the leader knows for sure.
                throw new NotLeaderException(node.nodeId(), node.status().map(s -> s.leaderId()).orElse(null));
            }
            return user;
        });
    }

    private LoginResponse check(Optional<UserRecord> user, LoginRequest request, String source) {
        String stored = user.map(UserRecord::getPasswordHash).orElseGet(this::dummyHash);
        boolean matches = hasher.verify(request.getPassword(), stored) && user.isPresent();
        if (!matches) {
            throttle.recordFailure(request.getUsername(), source);
            metrics.login("bad_credentials");
            throw Status.UNAUTHENTICATED.withDescription("wrong username or password").asRuntimeException();
        }
        throttle.recordSuccess(request.getUsername());
        metrics.login("success");
        UserRecord record = user.get();
        Set<Role> roles = EnumSet.noneOf(Role.class);
        record.getRolesList().forEach(claim -> Role.fromClaim(claim).ifPresent(roles::add));
        if (roles.isEmpty()) {
            roles.add(Role.USER);
        }
        TokenService.IssuedToken token = tokens.issue(record.getId(), record.getUsername(), roles);
        return LoginResponse.newBuilder().setToken(token.token()).setExpiresAtMillis(token.expiresAtMillis())
                .addAllRoles(roles.stream().map(Role::claim).toList()).setUserId(record.getId())
                .setUsername(record.getUsername()).build();
    }

    private String dummyHash() {
        String hash = dummyHash;
        if (hash == null) {
            hash = hasher.dummyHash();
            dummyHash = hash;
        }
        return hash;
    }
}
