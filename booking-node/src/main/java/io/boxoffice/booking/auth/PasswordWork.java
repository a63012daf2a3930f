package io.boxoffice.booking.auth;

import io.boxoffice.booking.config.BoxofficeConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Runs password hashing off the gRPC event loop and the Raft driver thread, on as many threads as there
 * are cores, with a bounded queue ({@code boxoffice.limits.max-hash-queue}). A full queue fails the
 * future with {@link Overloaded}: a login storm must not queue unbounded CPU work.
 */
@ApplicationScoped
public class PasswordWork {

    private ThreadPoolExecutor executor;

    @Inject
    void init(BoxofficeConfig config) {
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        AtomicInteger counter = new AtomicInteger();
        executor = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(config.limits().maxHashQueue()), runnable -> {
                    Thread thread = new Thread(runnable, "boxoffice-password-" + counter.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        executor.allowCoreThreadTimeOut(true);
    }

    public <T> CompletableFuture<T> submit(Supplier<T> work) {
        try {
            return CompletableFuture.supplyAsync(work, executor);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new Overloaded());
        }
    }

    @PreDestroy
    void close() {
        executor.shutdownNow();
    }

    /** Too many password hashes are queued; the client should retry later. */
    public static final class Overloaded extends RuntimeException {
        public Overloaded() {
            super("too many logins are being checked right now; retry in a second");
        }
    }
}
