package io.boxoffice.booking.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A proposal's outcome is handled on the gRPC call's own event loop when the call came in on one (no hop
 * through the completion pool), and on the completion pool otherwise, never on the thread that completed it.
 */
class ReplyExecutorTest {

    @Test
    void on_an_event_loop_the_continuation_runs_on_that_event_loop() throws Exception {
        Vertx vertx = Vertx.vertx();
        ExecutorService fallback = Executors.newSingleThreadExecutor(task -> new Thread(task, "fallback"));
        ExecutorService driver = Executors.newSingleThreadExecutor(task -> new Thread(task, "driver"));
        try {
            Context context = vertx.getOrCreateContext();
            CompletableFuture<Thread> eventLoop = new CompletableFuture<>();
            CompletableFuture<Executor> captured = new CompletableFuture<>();
            context.runOnContext(ignored -> {
                eventLoop.complete(Thread.currentThread());
                captured.complete(CommandGateway.currentEventLoopOr(fallback));
            });
            Executor replyOn = captured.get(5, TimeUnit.SECONDS);
            // Completed on another thread (as the Raft driver would), continued where the request came in.
            CompletableFuture<String> outcome = new CompletableFuture<>();
            CompletableFuture<Thread> continuedOn = outcome.thenApplyAsync(value -> Thread.currentThread(), replyOn);
            driver.execute(() -> outcome.complete("booked"));
            assertThat(continuedOn.get(5, TimeUnit.SECONDS)).isSameAs(eventLoop.get());
        } finally {
            driver.shutdownNow();
            fallback.shutdownNow();
            vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void off_an_event_loop_the_continuation_runs_on_the_fallback_pool() throws Exception {
        ExecutorService fallback = Executors.newSingleThreadExecutor(task -> new Thread(task, "fallback"));
        try {
            Executor replyOn = CommandGateway.currentEventLoopOr(fallback);
            assertThat(replyOn).isSameAs(fallback);
            CompletableFuture<String> continuedOn = CompletableFuture.completedFuture("x")
                    .thenApplyAsync(value -> Thread.currentThread().getName(), replyOn);
            assertThat(continuedOn.get(5, TimeUnit.SECONDS)).isEqualTo("fallback");
        } finally {
            fallback.shutdownNow();
        }
    }
}
