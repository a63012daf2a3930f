package io.boxoffice.cli.client;

import java.util.List;

/**
 * What a login leaves behind: the token and who it belongs to.
 *
 * @param token           RS256 JWT for the {@code authorization: Bearer} header
 * @param username        the login name
 * @param userId          the user's id
 * @param roles           "user" and/or "admin"
 * @param expiresAtMillis when the token stops being accepted
 */
public record Session(String token, String username, String userId, List<String> roles, long expiresAtMillis) {

    public Session {
        roles = List.copyOf(roles);
    }

    public boolean isAdmin() {
        return roles.contains("admin");
    }

    public boolean expired(long nowMillis) {
        return expiresAtMillis > 0 && nowMillis >= expiresAtMillis;
    }
}
