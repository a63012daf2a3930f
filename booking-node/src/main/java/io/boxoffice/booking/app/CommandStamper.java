package io.boxoffice.booking.app;

import com.google.protobuf.ByteString;
import com.google.protobuf.MessageLite;
import io.boxoffice.booking.auth.Caller;
import io.boxoffice.booking.domain.Actors;
import io.boxoffice.proto.replicated.v1.Actor;
import io.boxoffice.proto.replicated.v1.Command;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * Stamps what the deterministic state machine may not make up itself into every command: the wall-clock
 * time, the actor, the idempotency key with the request's fingerprint, and a fresh id from which the state
 * machine derives the ids of what the command creates.
 *
 * <p>Fingerprint: SHA-256 of the method name and the request as received with its idempotency key and
 * card details taken out, hashed once here (not on every replica): a key reused for another request is
 * refused. Card data never enters the fingerprint nor the log.
 *
 * <p>Clock: the serving node stamps its own clock. Writes are served by the leader (followers forward
 * them), so in practice the leader stamps; the state clock is the maximum of all stamps, so it never runs
 * backwards (members' clocks must be NTP-synced: hold expiry is only as precise as they are).
 */
@ApplicationScoped
public class CommandStamper {

    /** Actor of commands the node issues itself (expiry sweeps, demo data). */
    public static final Actor SYSTEM = Actors.system();

    private final LongSupplier clockMillis = System::currentTimeMillis;

    /**
     * A command on behalf of {@code caller}. {@code request} is what the fingerprint covers (the public
     * request without its idempotency key and card details); an empty key means no deduplication.
     */
    public Command.Builder forCaller(Caller caller, String idempotencyKey, String method, MessageLite request) {
        Command.Builder command = stamp(actorOf(caller), idempotencyKey);
        if (!idempotencyKey.isEmpty()) {
            command.setRequestFingerprint(fingerprint(method, request));
        }
        return command;
    }

    /** A command on behalf of {@code caller} whose request fingerprint was computed already. */
    public Command.Builder forCaller(Caller caller, String idempotencyKey, ByteString fingerprint) {
        Command.Builder command = stamp(actorOf(caller), idempotencyKey);
        if (!idempotencyKey.isEmpty()) {
            command.setRequestFingerprint(fingerprint);
        }
        return command;
    }

    /** The actor the state machine sees for {@code caller}. */
    public static Actor actorOf(Caller caller) {
        return caller.isAdmin() ? Actors.admin(caller.userId()) : Actors.user(caller.userId());
    }

    /** A command the node issues itself; {@code what} stands in for the request in the fingerprint. */
    public Command.Builder forSystem(String idempotencyKey, String what) {
        Command.Builder command = stamp(SYSTEM, idempotencyKey);
        if (!idempotencyKey.isEmpty()) {
            command.setRequestFingerprint(fingerprint(what, null));
        }
        return command;
    }

    private Command.Builder stamp(Actor actor, String idempotencyKey) {
        return Command.newBuilder().setNowMillis(clockMillis.getAsLong()).setActor(actor)
                .setIdempotencyKey(idempotencyKey).setNewId(newId());
    }

    public static ByteString fingerprint(String method, MessageLite request) {
        MessageDigest digest = sha256();
        digest.update(method.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
        if (request != null) {
            digest.update(request.toByteArray());
        }
        return ByteString.copyFrom(digest.digest());
    }

    /** 32 hex digits of a random UUID: unique without coordination, and a valid id body. */
    static String newId() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
