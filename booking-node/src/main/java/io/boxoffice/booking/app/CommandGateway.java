package io.boxoffice.booking.app;

import io.boxoffice.booking.errors.Overloaded;
import io.boxoffice.booking.errors.RejectedCommand;
import io.boxoffice.booking.cluster.ClusterNode;
import io.boxoffice.booking.config.BoxofficeConfig;
import io.boxoffice.booking.domain.CommandOutcome;
import io.boxoffice.booking.metrics.BoxofficeMetrics;
import io.boxoffice.proto.replicated.v1.Command;
import io.boxoffice.proto.replicated.v1.CommandBatch;
import java.util.List;
import io.boxoffice.raft.errors.NotLeaderException;
import io.boxoffice.raft.errors.ProposalDroppedException;
import io.boxoffice.raft.errors.ProposalRejectedException;
import io.boxoffice.raft.server.ReadConsistency;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The one way the application talks to the replicated state: proposes stamped {@link Command}s and
 * hands back their {@link CommandOutcome}, runs queries with the requested consistency. Bounds the requests
 * in flight ({@code boxoffice.limits.max-requests-in-flight}), applies the request timeout and moves
 * completions off the Raft driver thread so no caller work ever runs there.
 */
@ApplicationScoped
public class CommandGateway {

    @Inject
    ClusterNode node;
    @Inject
    BoxofficeConfig config;
    @Inject
    BoxofficeMetrics metrics;

    private Semaphore inFlight;
    private ExecutorService completions;
    private ProposalBatcher batcher;

    @Inject
    void init(BoxofficeConfig configuration) {
        inFlight = new Semaphore(configuration.limits().maxRequestsInFlight());
        AtomicInteger counter = new AtomicInteger();
        completions = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()),
                runnable -> {
                    Thread thread = new Thread(runnable, "boxoffice-completion-" + counter.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        batcher = new ProposalBatcher(configuration.limits().maxRequestsInFlight(),
                configuration.raft().maxCommandsPerEntry(), configuration.raft().maxCommandBytes(),
                bytes -> node.propose(bytes));
    }

    @PreDestroy
    void close() {
        batcher.close();
        completions.shutdownNow();
    }

    /**
     * Proposes {@code command} and completes with its outcome. A refusal completes the future exceptionally
     * with {@link RejectedCommand} unless {@code refusalsAsOutcomes} (the payment flow must see the
     * outcome of a refused payment to void it); Raft conditions complete it with their typed exceptions.
     */
    public CompletableFuture<CommandOutcome> submit(Command command, boolean refusalsAsOutcomes) {
        return submit(command, refusalsAsOutcomes, replyExecutor());
    }

    /**
     * As {@link #submit(Command, boolean)}, continuing on {@code continuation}: pass what
     * {@link #replyExecutor()} gave on the request's own thread when the proposal is made elsewhere (the
     * payment flow proposes from its pool).
     */
    public CompletableFuture<CommandOutcome> submit(Command command, boolean refusalsAsOutcomes, Executor continuation) {
        String type = typeOf(command);
        if (!inFlight.tryAcquire()) {
            return CompletableFuture.failedFuture(tooManyRequests());
        }
        long start = System.nanoTime();
        // Shares a Raft entry with whatever other commands are waiting (ProposalBatcher).
        return batcher.submit(command)
                .orTimeout(config.raft().requestTimeoutMillis(), TimeUnit.MILLISECONDS)
                .handleAsync((outcome, failure) -> {
                    inFlight.release();
                    if (failure != null) {
                        metrics.proposal(outcomeOf(failure), System.nanoTime() - start);
                        throw failure instanceof CompletionException c ? c : new CompletionException(failure);
                    }
                    metrics.proposal("committed", System.nanoTime() - start);
                    count(type, outcome);
                    if (outcome.isRejected() && !refusalsAsOutcomes) {
                        throw new RejectedCommand(outcome.rejection());
                    }
                    return outcome;
                }, continuation);
    }

    /**
     * Where a proposal's outcome should be handled when the caller is on the current thread: the gRPC
     * call's own Vert.x event loop when there is one (the reply is then written without another thread
     * hand-off: the driver wakes the event loop, which builds and writes the answer), else the completion
     * pool. Never the Raft driver thread itself.
     */
    public Executor replyExecutor() {
        return currentEventLoopOr(completions);
    }

    /** The current thread's Vert.x event-loop context as an executor, or {@code fallback} off an event loop. */
    static Executor currentEventLoopOr(Executor fallback) {
        Context context = Vertx.currentContext();
        if (context == null || !context.isEventLoopContext()) {
            return fallback;
        }
        return task -> context.runOnContext(ignored -> task.run());
    }

    /**
     * Proposes {@code commands} as one Raft entry: they commit together or not at all, and apply in order.
     * Completes with one outcome per command, refusals included (each command is decided on its own).
     */
    public CompletableFuture<List<CommandOutcome>> submitAll(List<Command> commands) {
        byte[] bytes = CommandBatch.newBuilder().addAllCommands(commands).build().toByteArray();
        if (bytes.length > config.raft().maxCommandBytes()) {
            return CompletableFuture.failedFuture(new Overloaded("batch too large: " + bytes.length
                    + " bytes encoded, at most " + config.raft().maxCommandBytes()));
        }
        if (!inFlight.tryAcquire()) {
            return CompletableFuture.failedFuture(tooManyRequests());
        }
        long start = System.nanoTime();
        return node.propose(bytes)
                .orTimeout(config.raft().requestTimeoutMillis(), TimeUnit.MILLISECONDS)
                .handleAsync((outcomes, failure) -> {
                    inFlight.release();
                    metrics.proposal(failure == null ? "committed" : outcomeOf(failure), System.nanoTime() - start);
                    if (failure != null) {
                        throw failure instanceof CompletionException c ? c : new CompletionException(failure);
                    }
                    if (outcomes.size() != commands.size()) {
                        throw new IllegalStateException("a batch of " + commands.size() + " commands answered "
                                + outcomes.size() + " outcomes");
                    }
                    for (int i = 0; i < outcomes.size(); i++) {
                        count(typeOf(commands.get(i)), outcomes.get(i));
                    }
                    return outcomes;
                }, completions);
    }

    /** {@link #submit(Command, boolean)} with refusals as {@link RejectedCommand} failures. */
    public CompletableFuture<CommandOutcome> submit(Command command) {
        return submit(command, false);
    }

    private void count(String type, CommandOutcome outcome) {
        if (outcome.holdsExpired() > 0) {
            metrics.holdsExpired(outcome.holdsExpired());
        }
        metrics.command(type, outcome.isRejected() ? outcome.rejection().getCode().name()
                .replace("REJECTION_CODE_", "").toLowerCase(Locale.ROOT) : outcome.remembered() ? "remembered" : "ok");
    }

    private static String typeOf(Command command) {
        return command.getKindCase().name().toLowerCase(Locale.ROOT);
    }

    /** Runs {@code query} on the state with {@code consistency}; completes off the driver thread. */
    public <T> CompletableFuture<T> read(Supplier<T> query, ReadConsistency consistency) {
        if (!inFlight.tryAcquire()) {
            return CompletableFuture.failedFuture(tooManyRequests());
        }
        String label = consistency.name().toLowerCase(Locale.ROOT);
        return node.read(query, consistency)
                .orTimeout(config.raft().requestTimeoutMillis(), TimeUnit.MILLISECONDS)
                .handleAsync((value, failure) -> {
                    inFlight.release();
                    metrics.read(label, failure == null ? "ok" : outcomeOf(failure));
                    if (failure != null) {
                        throw failure instanceof CompletionException c ? c : new CompletionException(failure);
                    }
                    return value;
                }, completions);
    }

    /**
     * Runs {@code query} on this node's applied state ({@link ReadConsistency#STALE}: no round) on {@code executor},
     * and completes there, so the caller's next step (a payment authorization, say) runs on that same thread: one
     * hand-off instead of one to the driver, one back to {@link #completions()} and one to the caller's executor.
     * A full {@code executor} fails the read with {@link Overloaded}.
     */
    public <T> CompletableFuture<T> readStaleOn(Supplier<T> query, java.util.concurrent.Executor executor) {
        if (!inFlight.tryAcquire()) {
            return CompletableFuture.failedFuture(tooManyRequests());
        }
        CompletableFuture<T> read;
        try {
            read = CompletableFuture.supplyAsync(() -> node.read(query, ReadConsistency.STALE), executor)
                    // Served on this thread unless the server has not started (then the driver completes it).
                    .thenCompose(served -> served.isDone() ? served : served.thenApplyAsync(value -> value, executor));
        } catch (Overloaded | java.util.concurrent.RejectedExecutionException full) {
            inFlight.release();
            return CompletableFuture.failedFuture(full);
        }
        return read.whenComplete((value, failure) -> {
            inFlight.release();
            metrics.read("stale", failure == null ? "ok" : outcomeOf(failure));
        });
    }

    private Overloaded tooManyRequests() {
        return new Overloaded("node " + node.nodeId() + " is serving too many requests; retry shortly");
    }

    /** The executor completions run on, for callers chaining further asynchronous steps. */
    public ExecutorService completions() {
        return completions;
    }

    static String outcomeOf(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof NotLeaderException) {
            return "not_leader";
        }
        if (cause instanceof ProposalDroppedException) {
            return "dropped";
        }
        if (cause instanceof ProposalRejectedException) {
            return "rejected";
        }
        if (cause instanceof TimeoutException) {
            return "timeout";
        }
        return "error";
    }
}
