package io.boxoffice.booking.domain;

import io.boxoffice.proto.replicated.v1.Actor;

/** Builds the {@link Actor} stamped into a command, and names the roles the state machine knows. */
public final class Actors {

    public static final String ROLE_USER = "user";
    public static final String ROLE_ADMIN = "admin";
    /** The node itself: expiry sweeps and demo data. May do everything an admin may. */
    public static final String ROLE_SYSTEM = "system";
    public static final String SYSTEM_USER_ID = "system";

    private Actors() {
    }

    public static Actor user(String userId) {
        return Actor.newBuilder().setUserId(userId).addRoles(ROLE_USER).build();
    }

    public static Actor admin(String userId) {
        return Actor.newBuilder().setUserId(userId).addRoles(ROLE_USER).addRoles(ROLE_ADMIN).build();
    }

    public static Actor system() {
        return Actor.newBuilder().setUserId(SYSTEM_USER_ID).addRoles(ROLE_SYSTEM).build();
    }

    public static boolean isAdmin(Actor actor) {
        return actor.getRolesList().contains(ROLE_ADMIN) || actor.getRolesList().contains(ROLE_SYSTEM);
    }
}
