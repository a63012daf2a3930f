package io.boxoffice.booking.api;

import io.boxoffice.booking.auth.AuthInterceptor;
import io.boxoffice.booking.auth.Caller;
import io.boxoffice.raft.errors.NotLeaderException;
import io.boxoffice.raft.server.ReadConsistency;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Runs one unary RPC: the action (validation, then proposals and reads) yields a future; its value is
 * sent, its failure becomes the right status. When the action needs the leader and this node is not it,
 * the whole request is forwarded to the leader, so clients may call any member.
 */
@ApplicationScoped
public class Calls {

    @Inject
    Forwarder forwarder;

    /** Completes {@code observer} with what {@code action} yields for {@code request}. */
    public <Q, R> void unary(Q request, StreamObserver<R> observer, Supplier<CompletableFuture<R>> action) {
        Forwarder.Route route = Forwarder.route();
        CompletableFuture<R> result;
        try {
            result = action.get();
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        result.whenComplete((value, failure) -> {
            if (failure == null) {
                respond(observer, value);
                return;
            }
            Throwable cause = GrpcErrors.unwrap(failure);
            if (cause instanceof NotLeaderException notLeader && notLeader.leaderId().isPresent() && route.allowed()) {
                forwarder.<Q, R>forward(route, notLeader.leaderId().get(), request, notLeader)
                        .whenComplete((forwarded, error) -> {
                            if (error == null) {
                                respond(observer, forwarded);
                            } else {
                                observer.onError(GrpcErrors.toStatus(error));
                            }
                        });
                return;
            }
            observer.onError(GrpcErrors.toStatus(failure));
        });
    }

    private static <R> void respond(StreamObserver<R> observer, R value) {
        observer.onNext(value);
        observer.onCompleted();
    }

    /** The authenticated caller; every non-public method has one (the interceptor guarantees it). */
    public static Caller caller() {
        Caller caller = AuthInterceptor.CALLER.get();
        if (caller == null) {
            throw Status.UNAUTHENTICATED.withDescription("missing access token").asRuntimeException();
        }
        return caller;
    }

    /** Raft read consistency for the API's enum; unknown values are refused. */
    public static ReadConsistency consistency(io.boxoffice.proto.v1.ReadConsistency consistency) {
        return switch (consistency) {
            case READ_CONSISTENCY_LINEARIZABLE -> ReadConsistency.LINEARIZABLE;
            case READ_CONSISTENCY_STALE -> ReadConsistency.STALE;
            case UNRECOGNIZED -> throw new InvalidArgument(java.util.List.of(new InvalidArgument.Violation(
                    "consistency", "unknown read consistency; use READ_CONSISTENCY_LINEARIZABLE or _STALE")));
        };
    }
}
