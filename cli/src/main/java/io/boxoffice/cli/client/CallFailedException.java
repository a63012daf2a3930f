package io.boxoffice.cli.client;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * A call that failed for good: a status that must not be retried, or the last of the allowed attempts.
 * Keeps the node's status and trailers (leader hint, taken seats) for the error message.
 */
public final class CallFailedException extends RuntimeException {

    private final transient Status status;
    private final transient Metadata trailers;
    private final int attempts;
    private final Endpoint endpoint;

    public CallFailedException(StatusRuntimeException last, int attempts, Endpoint endpoint) {
        super(last.getStatus().getCode() + " from " + endpoint.label() + " after " + attempts + " attempt"
                + (attempts == 1 ? "" : "s") + ": " + last.getStatus().getDescription(), last);
        this.status = last.getStatus();
        this.trailers = last.getTrailers() == null ? new Metadata() : last.getTrailers();
        this.attempts = attempts;
        this.endpoint = endpoint;
    }

    public Status status() {
        return status;
    }

    public Status.Code code() {
        return status.getCode();
    }

    public Metadata trailers() {
        return trailers;
    }

    public int attempts() {
        return attempts;
    }

    /** The node that gave the last answer. */
    public Endpoint endpoint() {
        return endpoint;
    }
}
