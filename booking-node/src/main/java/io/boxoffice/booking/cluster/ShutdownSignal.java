package io.boxoffice.booking.cluster;

import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Knows, before anything is torn down, that the process is stopping. A request still in flight then
 * fails in whatever part of the app was closed first (an executor, a bean being destroyed); the answer
 * must send the client to another node with its idempotency key, never report an internal error.
 */
@ApplicationScoped
public class ShutdownSignal {

    private static volatile boolean shuttingDown;

    /** Runs before every other shutdown observer (lowest priority value). */
    void onStop(@Observes @Priority(1) ShutdownEvent event) {
        shuttingDown = true;
    }

    public static boolean isShuttingDown() {
        return shuttingDown;
    }

    /** For tests only: the flag is per process. */
    static void set(boolean value) {
        shuttingDown = value;
    }
}
