package io.boxoffice.booking.api;

import io.boxoffice.booking.auth.PasswordWork;
import io.boxoffice.booking.errors.NodeNotReady;
import io.boxoffice.booking.errors.Overloaded;
import io.boxoffice.booking.errors.RejectedCommand;
import io.boxoffice.raft.errors.NotLeaderException;
import io.boxoffice.raft.errors.ProposalDroppedException;
import io.boxoffice.raft.errors.ProposalRejectedException;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * Turns the operating conditions a request can meet (not leader, election, timeout, overload) into gRPC
 * statuses with a message that says what to do. Anything unexpected becomes {@code INTERNAL} and is logged
 * with its cause, never swallowed.
 */
public final class GrpcErrors {

    private static final Logger LOG = Logger.getLogger(GrpcErrors.class);

    /** Trailer with the leader's member id, when this node knows it. */
    public static final Metadata.Key<String> LEADER_HINT = Metadata.Key.of("x-boxoffice-leader",
            Metadata.ASCII_STRING_MARSHALLER);
    /** Trailer with how long to wait before retrying, in milliseconds. */
    public static final Metadata.Key<String> RETRY_AFTER_MILLIS = Metadata.Key.of("x-boxoffice-retry-after-millis",
            Metadata.ASCII_STRING_MARSHALLER);

    /** Retry hint during an election: a few election rounds at default timings. */
    static final long ELECTION_RETRY_MILLIS = 100;

    private GrpcErrors() {
    }

    /** The status for {@code failure}, unwrapping completion wrappers. */
    public static StatusRuntimeException toStatus(Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof StatusRuntimeException status) {
            return status;
        }
        if (cause instanceof io.grpc.StatusException status) {
            return status.getStatus().asRuntimeException(status.getTrailers());
        }
        if (cause instanceof InvalidArgument invalid) {
            return Rejections.toStatus(invalid);
        }
        if (cause instanceof io.boxoffice.booking.domain.RejectedException rejected) {
            return Rejections.toStatus(rejected.rejection());
        }
        if (cause instanceof RejectedCommand rejected) {
            return Rejections.toStatus(rejected.rejection());
        }
        if (cause instanceof NotLeaderException notLeader) {
            Metadata trailers = new Metadata();
            trailers.put(RETRY_AFTER_MILLIS, String.valueOf(ELECTION_RETRY_MILLIS));
            if (notLeader.leaderId().isPresent()) {
                trailers.put(LEADER_HINT, notLeader.leaderId().get());
                return Status.UNAVAILABLE.withDescription("this node could not reach the leader "
                        + notLeader.leaderId().get() + "; retry in " + ELECTION_RETRY_MILLIS + "ms")
                        .withCause(cause).asRuntimeException(trailers);
            }
            return Status.UNAVAILABLE.withDescription("no leader yet (election in progress); retry in "
                    + ELECTION_RETRY_MILLIS + "ms").withCause(cause).asRuntimeException(trailers);
        }
        if (cause instanceof ProposalDroppedException) {
            return Status.UNAVAILABLE.withDescription("the request may or may not have been applied (leader "
                    + "changed: " + cause.getMessage() + "); retry with the same idempotency key, which returns "
                    + "the first result if it was").withCause(cause).asRuntimeException(retryTrailers());
        }
        if (cause instanceof ProposalRejectedException) {
            return Status.UNAVAILABLE.withDescription("the leader refused the request (" + cause.getMessage()
                    + "); nothing was written; retry shortly").withCause(cause).asRuntimeException(retryTrailers());
        }
        if (cause instanceof TimeoutException) {
            return Status.DEADLINE_EXCEEDED.withDescription("the cluster did not answer in time (no quorum?); the "
                    + "request may still be applied: retry with the same idempotency key").withCause(cause)
                    .asRuntimeException();
        }
        if (cause instanceof NodeNotReady) {
            return Status.UNAVAILABLE.withDescription(cause.getMessage()).asRuntimeException(retryTrailers());
        }
        if (cause instanceof PasswordWork.Overloaded || cause instanceof Overloaded) {
            return Status.RESOURCE_EXHAUSTED.withDescription(cause.getMessage()).asRuntimeException(retryTrailers());
        }
        if (cause instanceof io.boxoffice.booking.cluster.ClusterNode.NodeUnavailableException) {
            return Status.UNAVAILABLE.withDescription(cause.getMessage()).asRuntimeException(retryTrailers());
        }
        if (cause instanceof java.util.concurrent.RejectedExecutionException
                || io.boxoffice.booking.cluster.ShutdownSignal.isShuttingDown()) {
            // A request still in flight while the node shuts down (SIGTERM): its executors are closed. A
            // proposal may have committed meanwhile, so the answer must send the client elsewhere with its key.
            return Status.UNAVAILABLE.withDescription("node is shutting down; the request may or may not have been "
                    + "applied: retry on another node with the same idempotency key").withCause(cause)
                    .asRuntimeException(retryTrailers());
        }
        if (cause instanceof CancellationException) {
            return Status.CANCELLED.withDescription("request cancelled").withCause(cause).asRuntimeException();
        }
        LOG.errorf(cause, "unexpected failure serving a request");
        return Status.INTERNAL.withDescription("internal error: " + cause).withCause(cause).asRuntimeException();
    }

    /**
     * Whether a call to another service failed because its connection broke before an answer came, rather than
     * with that service's own answer: grpc-java reports UNKNOWN "channel closed", or INTERNAL for a stream the
     * stopping server reset ("RST_STREAM …") or a connection that ended mid-message ("Encountered end-of-stream
     * mid-frame"). The request may or may not have been carried out.
     */
    public static boolean connectionLost(Status status) {
        String description = status.getDescription() == null ? "" : status.getDescription();
        return switch (status.getCode()) {
            case UNKNOWN -> description.startsWith("channel closed");
            case INTERNAL -> description.startsWith("RST_STREAM") || description.startsWith("Encountered end-of-stream");
            default -> false;
        };
    }

    static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static Metadata retryTrailers() {
        Metadata trailers = new Metadata();
        trailers.put(RETRY_AFTER_MILLIS, String.valueOf(ELECTION_RETRY_MILLIS));
        return trailers;
    }
}
