package io.boxoffice.booking.errors;

/**
 * The node is starting or stopping and did not take the request; another node can (the gRPC layer answers UNAVAILABLE
 * with a retry hint).
 */
public final class NodeNotReady extends RuntimeException {
    public NodeNotReady(String message) {
        super(message);
    }
}
