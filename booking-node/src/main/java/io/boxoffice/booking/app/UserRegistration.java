package io.boxoffice.booking.app;

import io.boxoffice.booking.auth.Caller;
import io.boxoffice.booking.auth.PasswordHasher;
import io.boxoffice.booking.auth.PasswordWork;
import io.boxoffice.proto.booking.v1.CommandResult;
import io.boxoffice.proto.booking.v1.RegisterUser;
import io.boxoffice.proto.v1.CreateUserRequest;
import io.boxoffice.proto.v1.User;
import io.boxoffice.raft.server.ReadConsistency;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.CompletableFuture;

/**
 * Creates a user: the password is hashed (slowly, off the event loop) before the command is proposed, so
 * replicas only ever store the hash. A retry with the same idempotency key returns the first result
 * without hashing again: a fresh salt would make it look like a different request.
 */
@ApplicationScoped
public class UserRegistration {

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

    public CompletableFuture<User> register(Caller caller, CreateUserRequest request) {
        String key = request.getIdempotencyKey();
        return gateway.read(() -> queries.rememberedResult(caller.userId(), key), ReadConsistency.LINEARIZABLE)
                .thenCompose(remembered -> remembered.isPresent()
                        ? CompletableFuture.completedFuture(Remembered.user(remembered.get()))
                        : work.submit(() -> hasher.hash(request.getPassword()))
                                .thenCompose(hash -> gateway.submit(stamper.forCaller(caller, key)
                                        .setRegisterUser(RegisterUser.newBuilder().setUsername(request.getUsername())
                                                .setPasswordHash(hash).addAllRoles(request.getRolesList())).build()))
                                .thenApply(CommandResult::getUser));
    }
}
