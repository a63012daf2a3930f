package io.boxoffice.booking.discovery;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.function.LongSupplier;
import org.jboss.logging.Logger;

/**
 * Waits until a host name resolves. In a StatefulSet the pod's record under the headless Service appears a
 * moment after the pod starts (the endpoints controller has to see it first); a member that started Raft
 * before its peers could resolve it would only time out elections. The wait is bounded: a name that never
 * resolves is a configuration mistake (wrong Service name, {@code publishNotReadyAddresses} off) and stops
 * the node with that explanation.
 *
 * <p>Runs on the calling thread and blocks it; not thread-safe.
 */
public final class DnsWait {

    private static final Logger LOG = Logger.getLogger(DnsWait.class);

    /** Resolves a name: returns normally when it resolves, throws when it does not (yet). */
    @FunctionalInterface
    public interface Resolver {
        void resolve(String host) throws UnknownHostException;
    }

    /** Waits; injected so tests need no real time. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    private final Resolver resolver;
    private final Sleeper sleeper;
    private final LongSupplier clockMillis;
    private final Backoff backoff;

    DnsWait(Resolver resolver, Sleeper sleeper, LongSupplier clockMillis, Backoff backoff) {
        this.resolver = resolver;
        this.sleeper = sleeper;
        this.clockMillis = clockMillis;
        this.backoff = backoff;
    }

    /** A wait that uses the JVM's resolver and real time, backing off between {@code minMillis} and {@code maxMillis}. */
    public static DnsWait system(long backoffMinMillis, long backoffMaxMillis) {
        return new DnsWait(InetAddress::getAllByName, Thread::sleep, System::currentTimeMillis,
                new Backoff(backoffMinMillis, backoffMaxMillis,
                        bound -> java.util.concurrent.ThreadLocalRandom.current().nextLong(bound + 1)));
    }

    /**
     * Returns once {@code host} resolves, after how many failed lookups; throws {@link DnsNotReadyException}
     * when it still does not after {@code maxWaitMillis}.
     *
     * @param purpose what the name is, for the messages (e.g. "this node's peer host (boxoffice.peer-host)")
     */
    public int await(String host, String purpose, long maxWaitMillis) throws InterruptedException {
        long startMillis = clockMillis.getAsLong();
        int failures = 0;
        while (true) {
            UnknownHostException failure;
            try {
                resolver.resolve(host);
                if (failures > 0) {
                    LOG.infof("%s %s resolves now, after %d ms", purpose, host, clockMillis.getAsLong() - startMillis);
                }
                return failures;
            } catch (UnknownHostException e) {
                failure = e;
            }
            failures++;
            long waitedMillis = clockMillis.getAsLong() - startMillis;
            if (waitedMillis >= maxWaitMillis) {
                throw new DnsNotReadyException(purpose + " " + host + " still does not resolve after "
                        + waitedMillis + " ms (" + failures + " lookups; last: " + failure.getMessage() + "). In "
                        + "Kubernetes, check that the headless Service exists, selects this pod and has "
                        + "publishNotReadyAddresses: true, and that boxoffice.peer-host names it; or raise "
                        + "boxoffice.discovery.dns-wait-millis", failure);
            }
            long delayMillis = Math.min(backoff.nextDelayMillis(), maxWaitMillis - waitedMillis);
            if (failures == 1 || Integer.bitCount(failures) == 1) {
                // Logged on the 1st, 2nd, 4th, 8th... failure: visible, but a slow DNS does not flood the log.
                LOG.infof("waiting for DNS: %s %s does not resolve yet (%s); retrying in %d ms, giving up after %d ms",
                        purpose, host, failure.getMessage(), delayMillis, maxWaitMillis);
            }
            sleeper.sleep(Math.max(1, delayMillis));
        }
    }

    /** The name did not resolve within the bound; the message says what to check. */
    public static final class DnsNotReadyException extends RuntimeException {
        public DnsNotReadyException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
