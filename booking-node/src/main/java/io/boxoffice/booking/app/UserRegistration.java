package io.boxoffice.booking.app;

import io.boxoffice.booking.app.views.PublicViews;
import io.boxoffice.booking.auth.Caller;
import io.boxoffice.booking.auth.PasswordHasher;
import io.boxoffice.booking.auth.PasswordWork;
import io.boxoffice.booking.domain.BookingStateMachine;
import io.boxoffice.proto.replicated.v1.RegisterUser;
import io.boxoffice.proto.v1.CreateUserRequest;
import io.boxoffice.proto.v1.User;
import io.boxoffice.raft.server.ReadConsistency;
import com.google.protobuf.ByteString;
import io.grpc.Status;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.CompletableFuture;

/**
 * Creates a user: the password is hashed (slowly, off the event loop) before the command is proposed, so
 * replicas only ever store the hash. The fingerprint covers the request as received (with the password:
 * only the leader sees it, and only its hash is kept), so a retry with the same idempotency key matches
 * even though a fresh salt gives a new hash; the retry is answered from the leader's state without hashing.
 */
@ApplicationScoped
public class UserRegistration {

    @Inject
    CommandGateway gateway;
    @Inject
    CommandStamper stamper;
    @Inject
    BookingStateMachine state;
    @Inject
    PasswordHasher hasher;
    @Inject
    PasswordWork work;

    public CompletableFuture<User> register(Caller caller, CreateUserRequest request) {
        String key = request.getIdempotencyKey();
        ByteString fingerprint = CommandStamper.fingerprint("CreateUser", request.toBuilder().clearIdempotencyKey()
                .build());
        return gateway.read(() -> {
            if (state.queries().keyReusedForAnotherRequest(caller.userId(), key, fingerprint)) {
                throw Status.INVALID_ARGUMENT.withDescription("idempotency key was already used for a different"
                        + " request; use a new key").asRuntimeException();
            }
            return state.queries().remembered(caller.userId(), key, fingerprint);
        }, ReadConsistency.LINEARIZABLE).thenCompose(remembered -> remembered.isPresent()
                ? CompletableFuture.completedFuture(PaymentFlow.user(remembered.get()))
                : work.submit(() -> hasher.hash(request.getPassword()))
                        .thenCompose(hash -> gateway.submit(stamper.forCaller(caller, key, fingerprint)
                                .setRegisterUser(RegisterUser.newBuilder().setUsername(request.getUsername())
                                        .setPasswordHash(hash).addAllRoles(request.getRolesList())).build()))
                        .thenApply(outcome -> PublicViews.user(outcome.user())));
    }
}
