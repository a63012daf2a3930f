package io.boxoffice.cli.client;

import java.util.UUID;

/** Idempotency keys for write requests: one per logical operation, reused on every retry of it. */
public final class IdempotencyKeys {

    private IdempotencyKeys() {
    }

    /** A fresh key, unique across clients ("bkctl-" and a random UUID: 42 printable ASCII characters). */
    public static String newKey() {
        return "bkctl-" + UUID.randomUUID();
    }

    /** {@code key} when given, else a fresh one. */
    public static String orNew(String key) {
        return key == null || key.isBlank() ? newKey() : key;
    }
}
