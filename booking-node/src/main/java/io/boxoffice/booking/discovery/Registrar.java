package io.boxoffice.booking.discovery;

import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.jboss.logging.Logger;

/**
 * The loop of a joining node: asks the bootstrap members in turn, with bounded exponential backoff, to add it
 * as a learner, until it sees itself in the Raft configuration (the leader replicated the entry to it). A
 * successful call, or "already a member", is not the end: the loop waits for the configuration to show this
 * node, and asks again should it not after {@link #CONFIRMATION_WAIT_MILLIS}. Each iteration either sleeps a
 * backoff or a poll interval, so the loop never spins; it ends when the node joined or stops.
 *
 * <p>Runs on one thread; not thread-safe.
 */
final class Registrar {

    private static final Logger LOG = Logger.getLogger(Registrar.class);
    /** How often the loop looks at the configuration while a registration is expected to arrive. */
    static final long POLL_MILLIS = 100;
    /** After a successful call, how long to wait for the configuration to show this node before asking again. */
    static final long CONFIRMATION_WAIT_MILLIS = 10_000;

    /** How the loop ended. */
    enum Result { JOINED, STOPPED }

    private final String nodeId;
    private final String peerAddress;
    private final List<RegistrationTarget> targets;
    private final MembershipClient client;
    private final BooleanSupplier inConfiguration;
    private final BooleanSupplier stopping;
    private final Backoff backoff;
    private final DnsWait.Sleeper sleeper;
    private final LongSupplier clockMillis;

    Registrar(String nodeId, String peerAddress, List<RegistrationTarget> targets, MembershipClient client,
              BooleanSupplier inConfiguration, BooleanSupplier stopping, Backoff backoff, DnsWait.Sleeper sleeper,
              LongSupplier clockMillis) {
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("a registration needs at least one member to ask");
        }
        this.nodeId = nodeId;
        this.peerAddress = peerAddress;
        this.targets = List.copyOf(targets);
        this.client = client;
        this.inConfiguration = inConfiguration;
        this.stopping = stopping;
        this.backoff = backoff;
        this.sleeper = sleeper;
        this.clockMillis = clockMillis;
    }

    Result run() throws InterruptedException {
        long startMillis = clockMillis.getAsLong();
        long registeredAtMillis = -1;
        int attempts = 0;
        while (!stopping.getAsBoolean()) {
            if (inConfiguration.getAsBoolean()) {
                LOG.infof("%s is in the cluster configuration as %s, %d ms after it started asking (%d calls)",
                        nodeId, peerAddress, clockMillis.getAsLong() - startMillis, attempts);
                return Result.JOINED;
            }
            boolean awaitingConfiguration = registeredAtMillis >= 0
                    && clockMillis.getAsLong() - registeredAtMillis < CONFIRMATION_WAIT_MILLIS;
            if (awaitingConfiguration) {
                sleeper.sleep(POLL_MILLIS);
                continue;
            }
            RegistrationTarget target = targets.get(attempts % targets.size());
            attempts++;
            AddMemberOutcome outcome = client.addMember(target, nodeId, peerAddress);
            if (outcome.registered()) {
                LOG.infof("%s: %s at %s (asked %s); waiting for the configuration to reach this node", nodeId,
                        outcome == AddMemberOutcome.ADDED ? "added as a learner" : "already a member", peerAddress,
                        target.memberId());
                registeredAtMillis = clockMillis.getAsLong();
                backoff.reset();
                sleeper.sleep(POLL_MILLIS);
                continue;
            }
            long delayMillis = backoff.nextDelayMillis();
            if (outcome == AddMemberOutcome.MISCONFIGURED) {
                LOG.warnf("%s: %s refused to add this node (see the previous message); retrying in %d ms", nodeId,
                        target.memberId(), delayMillis);
            } else {
                LOG.infof("%s: %s could not add this node yet (attempt %d); trying the next member in %d ms", nodeId,
                        target.memberId(), attempts, delayMillis);
            }
            sleeper.sleep(delayMillis);
        }
        return Result.STOPPED;
    }
}
