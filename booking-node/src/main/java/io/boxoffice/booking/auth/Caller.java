package io.boxoffice.booking.auth;

import java.util.Objects;

/**
 * The authenticated user of one request, taken from a verified token.
 *
 * @param userId   the user's id in the replicated state
 * @param username the login name
 * @param role     the user's role
 * @param source   the remote address the request came from (for throttling and audit), never null
 */
public record Caller(String userId, String username, Role role, String source) {
    public Caller {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(source, "source");
    }

    public boolean isAdmin() {
        return role == Role.ADMIN;
    }

    /** The actor stamped into commands: {@code user:<id>}. */
    public String actor() {
        return "user:" + userId;
    }
}
