package io.boxoffice.cli.bench;

import io.boxoffice.cli.client.BoxofficeApi;
import io.boxoffice.cli.client.Session;
import java.util.function.LongSupplier;

/**
 * A bench user's session. A long run (a soak) outlasts a token ({@code boxoffice.auth.token-lifetime-seconds},
 * an hour by default), so the user logs in again when its token is about to expire. Thread-safe: the workers
 * that share a user share its session.
 */
final class BenchUser {

    /** A token this close to its expiry is renewed before the next call. */
    static final long RENEW_BEFORE_EXPIRY_MILLIS = 5 * 60_000L;

    private final BoxofficeApi anonymous;
    private final String username;
    private final String password;
    private final LongSupplier clockMillis;
    private final AbandonedHolds abandonedHolds;
    private volatile Session session;

    BenchUser(BoxofficeApi anonymous, String username, String password, Session session, LongSupplier clockMillis,
              AbandonedHolds abandonedHolds) {
        this.anonymous = anonymous;
        this.username = username;
        this.password = password;
        this.session = session;
        this.clockMillis = clockMillis;
        this.abandonedHolds = abandonedHolds;
    }

    String username() {
        return username;
    }

    /** The holds this user abandoned that may still be active on the cluster. */
    AbandonedHolds abandonedHolds() {
        return abandonedHolds;
    }

    /** A token valid for at least a few more minutes; logs in again when needed (the login may throw). */
    String token() {
        Session current = session;
        if (current.expiresAtMillis() - clockMillis.getAsLong() > RENEW_BEFORE_EXPIRY_MILLIS) {
            return current.token();
        }
        synchronized (this) {
            if (session.expiresAtMillis() - clockMillis.getAsLong() <= RENEW_BEFORE_EXPIRY_MILLIS) {
                session = anonymous.login(username, password);
            }
            return session.token();
        }
    }
}
