package io.boxoffice.booking.domain;

import io.boxoffice.proto.replicated.v1.Actor;

/**
 * What every command handler needs besides its payload: where the command sits in the log, the state
 * clock, who issued it and the fresh id the leader stamped.
 *
 * @param index     the log index of the entry carrying the command
 * @param ref       a number unique to this command (index and position in the entry), given to what it
 *                  creates so seat occupancy can name holds, bookings and users compactly
 * @param nowMillis the state clock after this command's stamp
 */
public record Context(long index, long ref, long nowMillis, Actor actor, String newId) {

    /** Commands per log entry; refs are {@code index * COMMANDS_PER_ENTRY_MAX + position}. */
    public static final int COMMANDS_PER_ENTRY_MAX = 4096;

    public String actorUserId() {
        return actor.getUserId();
    }

    public boolean isAdmin() {
        return Actors.isAdmin(actor);
    }

    public void requireUser() {
        if (actor.getUserId().isEmpty()) {
            throw RejectedException.permissionDenied("the command names no user");
        }
    }

    public void requireAdmin(String what) {
        requireUser();
        if (!isAdmin()) {
            throw RejectedException.permissionDenied("only admins may " + what);
        }
    }

    /** The id of something this command creates: {@code prefix + new_id}. */
    public String newEntityId(String prefix) {
        if (!FieldLimits.isIdBody(newId)) {
            throw RejectedException.invalidArgument("new_id",
                    "the command needs a new_id of 1..64 characters of [A-Za-z0-9_-]");
        }
        return prefix + newId;
    }
}
