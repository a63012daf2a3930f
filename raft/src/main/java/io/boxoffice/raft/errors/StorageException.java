package io.boxoffice.raft.errors;

/**
 * Stable storage failed. Not an operating condition: the node cannot know what is durable, so it
 * must stop (STYLE: a storage error stops the node). Unchecked on purpose.
 */
public final class StorageException extends RuntimeException {
    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }

    public StorageException(String message) {
        super(message);
    }
}
