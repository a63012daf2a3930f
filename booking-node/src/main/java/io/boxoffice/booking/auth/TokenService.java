package io.boxoffice.booking.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import io.smallrye.jwt.build.Jwt;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jose4j.jwt.consumer.InvalidJwtException;

/**
 * Issues RS256 access tokens on login and verifies them on every other call. The token names the user
 * ({@code upn}), its id ({@code sub}) and its role ({@code groups}); it is signed with the cluster's
 * private key, so any member holding the public key accepts it. Thread-safe.
 *
 * <p>Checking an RS256 signature costs more than the rest of a booking's CPU on the node, so a verified
 * token is remembered (keyed by its SHA-256, at most {@link #VERIFIED_TOKENS_MAX} of them) until it expires;
 * a token that failed verification is checked again every time.
 */
public final class TokenService {

    /** Leeway for clock differences between the member that issued a token and the one checking it. */
    static final int CLOCK_SKEW_SECONDS = 5;
    /** Verified tokens remembered at most; the least recently used go first. */
    static final int VERIFIED_TOKENS_MAX = 50_000;

    private final KeyMaterial keys;
    private final String issuer;
    private final Duration lifetime;
    private final JWTParser parser;
    private final LongSupplier clockMillis;
    private final Cache<String, Verified> verified;

    public TokenService(KeyMaterial keys, String issuer, Duration lifetime) {
        this(keys, issuer, lifetime, System::currentTimeMillis);
    }

    /** With {@code clockMillis} deciding when a remembered token has expired. */
    TokenService(KeyMaterial keys, String issuer, Duration lifetime, LongSupplier clockMillis) {
        this.clockMillis = clockMillis;
        this.verified = Caffeine.newBuilder().maximumSize(VERIFIED_TOKENS_MAX)
                .expireAfter(Expiry.<String, Verified>creating((token, entry) ->
                        Duration.ofMillis(Math.max(0, entry.expiresAtMillis() - clockMillis.getAsLong()))))
                .build();
        this.keys = keys;
        this.issuer = issuer;
        this.lifetime = lifetime;
        JWTAuthContextInfo context = new JWTAuthContextInfo(keys.publicKey(), issuer);
        context.setSignatureAlgorithm(Set.of(SignatureAlgorithm.RS256));
        context.setClockSkew(CLOCK_SKEW_SECONDS);
        context.setRequireNamedPrincipal(true);
        this.parser = new DefaultJWTParser(context);
    }

    /** A signed token for the user with {@code roles} (at least one), valid for the configured lifetime. */
    public IssuedToken issue(String userId, String username, java.util.Collection<Role> roles) {
        return issue(userId, username, roles, lifetime);
    }

    /**
     * A signed token valid for {@code validFor} instead of the configured lifetime: what a member mints for its
     * own short calls to the cluster (a joining node asking to be added).
     */
    public IssuedToken issue(String userId, String username, java.util.Collection<Role> roles, Duration validFor) {
        if (validFor.isNegative() || validFor.isZero()) {
            throw new IllegalArgumentException("token lifetime must be positive, was " + validFor);
        }
        long expiresAtSeconds = System.currentTimeMillis() / 1000 + validFor.toSeconds();
        String token = Jwt.issuer(issuer)
                .upn(username)
                .subject(userId)
                .groups(roles.stream().map(Role::claim).collect(java.util.stream.Collectors.toSet()))
                .expiresAt(expiresAtSeconds)
                .jws().algorithm(SignatureAlgorithm.RS256)
                .sign(keys.privateKey());
        return new IssuedToken(token, expiresAtSeconds * 1000);
    }

    /**
     * Verifies signature, issuer and expiry and extracts the caller.
     *
     * @throws InvalidTokenException with a message fit for the client when the token is not acceptable
     */
    public Caller verify(String token, String source) {
        String key = sha256(token);
        Verified known = verified.getIfPresent(key);
        if (known != null) {
            if (clockMillis.getAsLong() >= known.expiresAtMillis()) {
                verified.invalidate(key);
                throw new InvalidTokenException(EXPIRED);
            }
            return new Caller(known.userId(), known.username(), known.role(), source);
        }
        JsonWebToken jwt;
        try {
            jwt = parser.parse(token);
        } catch (ParseException e) {
            throw new InvalidTokenException(reason(e));
        }
        String userId = jwt.getSubject();
        String username = jwt.getName();
        Optional<Role> role = jwt.getGroups() == null ? Optional.empty()
                : jwt.getGroups().stream().map(Role::fromClaim).flatMap(Optional::stream)
                        .max(Enum::compareTo);
        if (userId == null || userId.isBlank() || username == null || role.isEmpty()) {
            throw new InvalidTokenException("access token lacks the subject, user name or role; log in again");
        }
        // Remembered until the token's own expiry (not the parser's skew beyond it): never longer than valid.
        verified.put(key, new Verified(userId, username, role.get(), jwt.getExpirationTime() * 1000));
        return new Caller(userId, username, role.get(), source);
    }

    /** A token that passed verification: who it names, and when it stops being accepted. */
    private record Verified(String userId, String username, Role role, long expiresAtMillis) {
    }

    /** One digest per thread: looking up the provider for every call cost more than the hash itself. */
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    });

    /** The cache key: the token's SHA-256 (the cache never holds a usable bearer token), 32 chars of 8 bits. */
    private static String sha256(String token) {
        MessageDigest digest = SHA_256.get();
        digest.reset();
        return new String(digest.digest(token.getBytes(StandardCharsets.US_ASCII)), StandardCharsets.ISO_8859_1);
    }

    private static final String EXPIRED = "access token has expired; log in again (AuthService/Login)";

    private static String reason(ParseException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof InvalidJwtException invalid) {
                if (invalid.hasExpired()) {
                    return EXPIRED;
                }
                return "access token is invalid (bad signature, issuer or format); log in again to get a new one";
            }
        }
        return "access token is invalid (" + e.getMessage() + "); log in again to get a new one";
    }

    /** A token and when it stops being accepted. */
    public record IssuedToken(String token, long expiresAtMillis) {
    }

    /** A presented token was rejected; the message says why and what to do. */
    public static final class InvalidTokenException extends RuntimeException {
        public InvalidTokenException(String message) {
            super(message);
        }
    }
}
