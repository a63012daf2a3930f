package io.boxoffice.booking.app;

import io.boxoffice.booking.auth.Caller;
import io.boxoffice.booking.domain.Actors;
import io.boxoffice.proto.booking.v1.Actor;
import io.boxoffice.proto.booking.v1.Command;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * Stamps what the deterministic state machine may not make up itself into every command: the wall-clock
 * time, the actor, the idempotency key and a fresh id from which the state machine derives the ids of
 * what the command creates.
 *
 * <p>Clock: the serving node stamps its own clock. Requests that need the leader are forwarded to it at
 * the gRPC level, so in practice the leader stamps; should a follower's stamp get through, the state
 * machine's clock is the maximum of all stamps, so it never runs backwards (clocks must be NTP-synced
 * either way: hold expiry is only as precise as the members' clocks).
 */
@ApplicationScoped
public class CommandStamper {

    /** Actor of commands the node issues itself (expiry sweeps, demo data). */
    public static final Actor SYSTEM = Actors.system();

    private final LongSupplier clockMillis = System::currentTimeMillis;

    /** A command on behalf of {@code caller}; an empty key means no deduplication. */
    public Command.Builder forCaller(Caller caller, String idempotencyKey) {
        return stamp(actorOf(caller), idempotencyKey);
    }

    /** The actor the state machine sees for {@code caller}. */
    public static Actor actorOf(Caller caller) {
        return caller.isAdmin() ? Actors.admin(caller.userId()) : Actors.user(caller.userId());
    }

    /** A command the node issues itself. */
    public Command.Builder forSystem(String idempotencyKey) {
        return stamp(SYSTEM, idempotencyKey);
    }

    private Command.Builder stamp(Actor actor, String idempotencyKey) {
        return Command.newBuilder().setNowMillis(clockMillis.getAsLong()).setActor(actor)
                .setIdempotencyKey(idempotencyKey).setNewId(newId());
    }

    /** 32 hex digits of a random UUID: unique without coordination, and a valid id body. */
    static String newId() {
        return UUID.randomUUID().toString().replace("-", "");
    }
}
