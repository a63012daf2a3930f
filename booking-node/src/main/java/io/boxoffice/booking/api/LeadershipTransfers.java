package io.boxoffice.booking.api;

import io.boxoffice.raft.server.RaftServer;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The leadership transfer this node's TransferLeadership calls started, so that a repeated call (a client
 * retrying after its deadline, an operator asking twice) waits for the transfer under way instead of being
 * refused with "already in progress". Thread-safe.
 */
final class LeadershipTransfers {

    private record Running(String target, CompletableFuture<Void> done) {
    }

    private Running running;

    /**
     * The transfer to {@code target} (null: the most caught-up voter): the one under way when it goes there (or
     * anywhere, for a null target), else a new one. A transfer to another target under way makes Raft refuse.
     */
    synchronized CompletableFuture<Void> start(RaftServer<?> server, String target) {
        if (running != null && !running.done().isDone() && (target == null || Objects.equals(target, running.target()))) {
            return running.done();
        }
        running = new Running(target, server.transferLeadership(target));
        return running.done();
    }

    /** Whether a transfer started here has not finished yet. */
    synchronized boolean inProgress() {
        return running != null && !running.done().isDone();
    }
}
