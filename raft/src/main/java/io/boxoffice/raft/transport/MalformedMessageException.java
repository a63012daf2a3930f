package io.boxoffice.raft.transport;

/**
 * A peer sent a message that cannot be turned into a valid core message. The transport drops it,
 * counts it and tells the sender; it never reaches the Raft core.
 */
public final class MalformedMessageException extends RuntimeException {
    public MalformedMessageException(String message) {
        super(message);
    }

    public MalformedMessageException(String message, Throwable cause) {
        super(message, cause);
    }
}
