package io.boxoffice.raft.server;

import io.boxoffice.raft.core.ConfigChange;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** A request from a client thread, queued for the driver thread. */
sealed interface ClientRequest {

    /** Fails the request's future, for example when the server stops. */
    void fail(Throwable cause);

    /** A command to replicate; completes with the state machine's result for it. */
    record Propose(byte[] command, CompletableFuture<Object> result) implements ClientRequest {
        @Override
        public void fail(Throwable cause) {
            result.completeExceptionally(cause);
        }
    }

    record ChangeMembership(ConfigChange change, CompletableFuture<Object> result) implements ClientRequest {
        @Override
        public void fail(Throwable cause) {
            result.completeExceptionally(cause);
        }
    }

    record Read<T>(Supplier<T> query, ReadConsistency consistency, CompletableFuture<T> result)
            implements ClientRequest {
        @Override
        public void fail(Throwable cause) {
            result.completeExceptionally(cause);
        }

        /** Runs the query on the driver thread; a throwing query fails only its own future. */
        void serve() {
            try {
                result.complete(query.get());
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        }
    }

    /** @param targetId the member to hand leadership to, or {@code null} for the most caught-up voter */
    record TransferLeadership(String targetId, CompletableFuture<Void> result) implements ClientRequest {
        @Override
        public void fail(Throwable cause) {
            result.completeExceptionally(cause);
        }
    }
}
