package io.boxoffice.booking.auth;

import java.util.Locale;
import java.util.Optional;

/** What a caller may do. Carried as the token's {@code groups} claim in lower case. */
public enum Role {
    /** A movie-goer: catalogue, own holds and bookings, the assistant. */
    USER,
    /** An operator: everything a user may, plus the catalogue, every booking, refunds and the cluster. */
    ADMIN;

    public String claim() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Role> fromClaim(String claim) {
        for (Role role : values()) {
            if (role.claim().equals(claim)) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }
}
