package io.boxoffice.raft.server;

/**
 * What happens when a {@link RaftServer} fails for good: a storage error, a state machine that threw, a
 * broken invariant, an {@link OutOfMemoryError}. A process must not live on with a dead Raft loop (clients
 * would get errors forever and no supervisor would restart it), so production handlers end the process
 * with a non-zero status; tests record the cause instead.
 *
 * <p>Called once, from the thread that failed (the driver or the snapshot thread), after every waiting
 * request has been failed and the transport closed.
 */
@FunctionalInterface
public interface FatalErrorHandler {

    /** Only logs (the server does): for tests and tools that inspect the failure. */
    FatalErrorHandler LOG_ONLY = cause -> {
    };

    void onFatalError(Throwable cause);
}
