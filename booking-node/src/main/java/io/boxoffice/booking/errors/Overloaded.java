package io.boxoffice.booking.errors;

/**
 * This node serves too many requests at once (a full proposal queue, the payment pool, an oversized batch): the
 * request was not started, so the client may retry it later; the gRPC layer answers RESOURCE_EXHAUSTED.
 */
public final class Overloaded extends RuntimeException {
    public Overloaded(String message) {
        super(message);
    }
}
