package io.boxoffice.booking.cluster;

/**
 * The node's public gRPC API as a graceful stop sees it ({@link ClusterNode#stop()}): once leadership has moved,
 * the API stops taking calls and finishes those in flight while Raft still runs under them, so that no client
 * sees its call cut off. Implemented where the server lives (the {@code api} package).
 */
public interface PublicApi {

    /**
     * Stops taking new calls (clients are told to go elsewhere: their next call fails UNAVAILABLE and is retried
     * on another node) and waits up to {@code timeoutMillis} for the calls in flight; cancels those still running
     * then. Returns once no call runs. Called once, on the thread that stops the node; never throws.
     */
    void stopTakingCalls(long timeoutMillis);
}
