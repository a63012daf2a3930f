package io.boxoffice.booking.domain.store;

/** The state store failed (I/O, corruption). The node cannot go on: nothing written since is trustworthy. */
public final class StateStoreException extends RuntimeException {
    public StateStoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public StateStoreException(String message) {
        super(message);
    }
}
