package io.boxoffice.booking.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.boxoffice.booking.config.InvalidConfigurationException;
import io.boxoffice.booking.testing.TestKeys;
import io.smallrye.jwt.build.Jwt;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenServiceTest {

    @TempDir
    static Path dir;
    static KeyPair pair;
    static KeyMaterial keys;
    static TokenService tokens;

    @BeforeAll
    static void setUp() {
        pair = TestKeys.generate();
        Path[] files = TestKeys.write(pair, dir, "jwt");
        keys = KeyMaterial.load(files[0], files[1]);
        tokens = new TokenService(keys, "https://boxoffice.test", Duration.ofMinutes(5));
    }

    @Test
    void when_a_token_is_issued_then_it_verifies_to_the_same_caller() {
        TokenService.IssuedToken issued = tokens.issue("u-1", "user1", Set.of(Role.USER));

        Caller caller = tokens.verify(issued.token(), "10.0.0.1");

        assertThat(caller).isEqualTo(new Caller("u-1", "user1", Role.USER, "10.0.0.1"));
        assertThat(issued.expiresAtMillis()).isGreaterThan(System.currentTimeMillis() + 290_000);
    }

    @Test
    void a_remembered_token_still_expires_and_another_source_gets_its_own_caller() {
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong(System.currentTimeMillis());
        TokenService clocked = new TokenService(keys, "https://boxoffice.test", Duration.ofMinutes(5), now::get);
        TokenService.IssuedToken issued = clocked.issue("u-2", "user2", Set.of(Role.USER), Duration.ofSeconds(60));

        assertThat(clocked.verify(issued.token(), "10.0.0.1").source()).isEqualTo("10.0.0.1");
        assertThat(clocked.verify(issued.token(), "10.0.0.2"))
                .as("the second call is answered from the cache, with its own source")
                .isEqualTo(new Caller("u-2", "user2", Role.USER, "10.0.0.2"));

        now.set(issued.expiresAtMillis());
        assertThatThrownBy(() -> clocked.verify(issued.token(), "10.0.0.1"))
                .isInstanceOf(TokenService.InvalidTokenException.class).hasMessageContaining("expired");
    }

    @Test
    void when_a_member_mints_a_short_lived_token_then_it_expires_after_that_lifetime_not_the_configured_one() {
        TokenService.IssuedToken issued = tokens.issue("node:boxoffice-3", "node:boxoffice-3", Set.of(Role.ADMIN),
                Duration.ofSeconds(60));

        assertThat(tokens.verify(issued.token(), "x").role()).isEqualTo(Role.ADMIN);
        assertThat(issued.expiresAtMillis()).isBetween(System.currentTimeMillis() + 55_000,
                System.currentTimeMillis() + 61_000);
        assertThatThrownBy(() -> tokens.issue("u", "u", Set.of(Role.USER), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void when_the_token_is_signed_by_another_key_then_it_is_refused() {
        String forged = Jwt.issuer("https://boxoffice.test").upn("admin").subject("u-9").groups(Set.of("admin"))
                .expiresIn(300).sign(TestKeys.generate().getPrivate());

        assertThatThrownBy(() -> tokens.verify(forged, "x"))
                .hasMessage("access token is invalid (bad signature, issuer or format); log in again to get a new one");
    }

    @Test
    void when_the_token_has_expired_then_the_message_says_so() {
        long past = System.currentTimeMillis() / 1000 - 60;
        String expired = Jwt.issuer("https://boxoffice.test").upn("user1").subject("u-1").groups(Set.of("user"))
                .issuedAt(past - 600).expiresAt(past).sign(pair.getPrivate());

        assertThatThrownBy(() -> tokens.verify(expired, "x"))
                .hasMessage("access token has expired; log in again (AuthService/Login)");
    }

    @Test
    void when_the_issuer_differs_or_the_token_is_garbage_or_has_no_role_then_it_is_refused() {
        String otherIssuer = Jwt.issuer("https://evil").upn("user1").subject("u-1").groups(Set.of("user"))
                .expiresIn(300).sign(pair.getPrivate());
        String noRole = Jwt.issuer("https://boxoffice.test").upn("user1").subject("u-1").groups(Set.of("root"))
                .expiresIn(300).sign(pair.getPrivate());

        assertThatThrownBy(() -> tokens.verify(otherIssuer, "x")).hasMessageContaining("invalid");
        assertThatThrownBy(() -> tokens.verify("not.a.jwt", "x")).hasMessageContaining("invalid");
        assertThatThrownBy(() -> tokens.verify(noRole, "x")).hasMessageContaining("lacks the subject, user name or role");
    }

    @Test
    void when_the_key_files_do_not_form_a_pair_or_are_not_pem_then_loading_lists_both_problems() throws Exception {
        Path[] other = TestKeys.write(TestKeys.generate(), dir, "other");
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "hello");

        assertThatThrownBy(() -> KeyMaterial.load(dir.resolve("jwt-private.pem"), other[1]))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("are not one key pair");
        assertThatThrownBy(() -> KeyMaterial.load(garbage, garbage))
                .hasMessageContaining("is not a PKCS#8 RSA private key")
                .hasMessageContaining("is not an RSA public key");
    }
}
