package io.boxoffice.booking.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PasswordHasherTest {

    private final PasswordHasher hasher = new PasswordHasher(1000);

    @Test
    void when_the_password_is_right_then_it_verifies_and_a_wrong_one_does_not() {
        String hash = hasher.hash("password1");

        assertThat(hash).startsWith("pbkdf2-sha256$1000$").doesNotContain("password1");
        assertThat(hasher.verify("password1", hash)).isTrue();
        assertThat(hasher.verify("password2", hash)).isFalse();
        assertThat(hasher.verify("", hash)).isFalse();
    }

    @Test
    void when_the_same_password_is_hashed_twice_then_the_salts_differ() {
        assertThat(hasher.hash("password1")).isNotEqualTo(hasher.hash("password1"));
    }

    @Test
    void when_the_iteration_count_changes_then_old_hashes_still_verify() {
        String old = new PasswordHasher(2000).hash("admin123");
        assertThat(hasher.verify("admin123", old)).isTrue();
    }

    @Test
    void when_the_stored_hash_is_malformed_then_nothing_matches() {
        assertThat(hasher.verify("x", null)).isFalse();
        assertThat(hasher.verify("x", "plain")).isFalse();
        assertThat(hasher.verify("x", "pbkdf2-sha256$abc$AAAA$AAAA")).isFalse();
        assertThat(hasher.verify("x", "pbkdf2-sha256$999999999$AAAA$AAAA")).isFalse();
        assertThat(hasher.verify("x", "md5$1000$AAAA$AAAA")).isFalse();
    }
}
