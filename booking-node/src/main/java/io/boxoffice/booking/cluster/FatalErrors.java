package io.boxoffice.booking.cluster;

import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Ends the process when Raft fails for good (a storage error, a state machine that threw, a broken
 * invariant, {@link OutOfMemoryError}): a node with a dead Raft loop must not live on answering errors,
 * so that its supervisor (the launcher, systemd, the StatefulSet) restarts it. Exit status 70 (EX_SOFTWARE),
 * within {@link #HALT_AFTER_MILLIS}: the orderly shutdown gets that long, then the process is halted.
 */
@ApplicationScoped
public class FatalErrors {

    private static final Logger LOG = Logger.getLogger(FatalErrors.class);
    public static final int EXIT_STATUS = 70;
    static final long HALT_AFTER_MILLIS = 800;

    /** Logs the cause and ends the process (never returns normally to a caller that waits). */
    public void stopProcess(Throwable cause) {
        LOG.fatalf(cause, "the Raft node failed and cannot continue (%s); exiting with status %d so it is restarted",
                cause, EXIT_STATUS);
        Thread halt = new Thread(() -> {
            try {
                Thread.sleep(HALT_AFTER_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Runtime.getRuntime().halt(EXIT_STATUS);
        }, "boxoffice-fatal-halt");
        halt.setDaemon(true);
        halt.start();
        Thread exit = new Thread(() -> System.exit(EXIT_STATUS), "boxoffice-fatal-exit");
        exit.setDaemon(true);
        exit.start();
    }
}
