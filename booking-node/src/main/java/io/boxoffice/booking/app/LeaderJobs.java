package io.boxoffice.booking.app;

import io.boxoffice.booking.cluster.ClusterNode;
import io.boxoffice.booking.cluster.MemberIdentity;
import io.boxoffice.booking.cluster.SupersededMembers;
import io.boxoffice.booking.config.BoxofficeConfig;
import io.boxoffice.booking.metrics.BoxofficeMetrics;
import io.boxoffice.proto.replicated.v1.ExpireHolds;
import io.boxoffice.raft.core.RaftStatus;
import io.boxoffice.raft.core.Role;
import io.boxoffice.raft.server.ReadConsistency;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Work only the leader does, in rounds a quarter second apart: loads the demo data once if enabled,
 * creates the bootstrap administrator once if configured,
 * proposes ExpireHolds every {@code boxoffice.limits.expire-holds-interval-millis} while a hold may be due
 * (so an idle cluster writes nothing), promotes learners that have caught up and removes the members of lost
 * volumes once their pods' new members have taken their place. One round at a time: a slow round delays the
 * next instead of piling proposals up.
 */
@ApplicationScoped
public class LeaderJobs {

    private static final Logger LOG = Logger.getLogger(LeaderJobs.class);
    /** A learner this close to the leader's last index is promoted to voter. */
    static final long PROMOTE_MAX_LAG_ENTRIES = 16;
    /** Rounds run at least this often, so demo data and promotions do not wait for the expiry interval. */
    static final long ROUND_MILLIS_MAX = 250;

    /** A failing round is logged at most this often. */
    static final long FAILURE_LOG_INTERVAL_MILLIS = 30_000;

    private volatile long lastSweepMillis;
    private volatile long lastFailureLoggedMillis;

    @Inject
    ClusterNode node;
    @Inject
    CommandGateway gateway;
    @Inject
    CommandStamper stamper;
    @Inject
    BookingQueries queries;
    @Inject
    BoxofficeConfig config;
    @Inject
    BoxofficeMetrics metrics;
    @Inject
    DemoData demoData;
    @Inject
    BootstrapAdmin bootstrapAdmin;

    private final AtomicBoolean roundRunning = new AtomicBoolean();
    private ScheduledExecutorService scheduler;

    void onStart(@Observes @Priority(20) StartupEvent event) {
        scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "boxoffice-leader-jobs");
            thread.setDaemon(true);
            return thread;
        });
        long period = Math.min(ROUND_MILLIS_MAX, config.limits().expireHoldsIntervalMillis());
        scheduler.scheduleWithFixedDelay(this::round, period, period, TimeUnit.MILLISECONDS);
    }

    void onStop(@Observes @Priority(5) ShutdownEvent event) {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }

    private void round() {
        RaftStatus status = node.status().orElse(null);
        if (status == null || status.role() != Role.LEADER || node.stopping() || !roundRunning.compareAndSet(false, true)) {
            return;
        }
        try {
            // First, and apart from the jobs below: a failing sweep or demo load must not keep a caught-up
            // learner from becoming a voter (a scaled-up StatefulSet would never gain fault tolerance), nor the
            // member of a lost volume from leaving once its pod's new member took its place.
            changeMembership(status);
        } catch (RuntimeException e) {
            LOG.debugf(e, "promoting learners or retiring superseded members did not complete");
        }
        try {
            if (config.demoData()) {
                demoData.loadIfEmpty().join();
            }
            if (bootstrapAdmin.pending()) {
                bootstrapAdmin.createIfMissing().join();
            }
            long now = System.currentTimeMillis();
            if (now - lastSweepMillis >= config.limits().expireHoldsIntervalMillis()) {
                lastSweepMillis = now;
                expireDueHolds(now).join();
            }
        } catch (RuntimeException e) {
            // Leadership may move mid-round; the next round (here or on the next leader) retries. At most one
            // line per interval, so a persistent cause is visible without flooding the log.
            long now = System.currentTimeMillis();
            if (now - lastFailureLoggedMillis >= FAILURE_LOG_INTERVAL_MILLIS) {
                lastFailureLoggedMillis = now;
                LOG.infof("leader round did not complete (retried every %d ms): %s", ROUND_MILLIS_MAX,
                        e.getCause() != null ? e.getCause() : e);
            }
            LOG.debugf(e, "leader round did not complete");
        } finally {
            roundRunning.set(false);
        }
    }

    private java.util.concurrent.CompletableFuture<Void> expireDueHolds(long now) {
        return gateway.read(queries::nextHoldExpiryMillis, ReadConsistency.STALE).thenCompose(next -> {
            if (next.isEmpty() || next.getAsLong() > now) {
                return java.util.concurrent.CompletableFuture.completedFuture(null);
            }
            // The expiries themselves are counted from the command's outcome by the gateway.
            return gateway.submit(stamper.forSystem("", "ExpireHolds").setExpireHolds(ExpireHolds.getDefaultInstance())
                    .build()).thenAccept(outcome -> { });
        });
    }

    /**
     * Promotes a caught-up learner, else removes the member of a lost volume whose pod's new member is a
     * caught-up voter ({@link SupersededMembers}). One membership change per round.
     */
    private void changeMembership(RaftStatus status) {
        if (promoteCaughtUpLearners(status)) {
            return;
        }
        SupersededMembers.nextToRemove(status, PROMOTE_MAX_LAG_ENTRIES).ifPresent(old -> node.server()
                .ifPresent(server -> server.removeMember(old).whenComplete((done, failure) -> {
                    if (failure == null) {
                        LOG.infof("removed member %s: a later volume of pod %s is a caught-up voter", old,
                                MemberIdentity.podOf(old));
                    } else {
                        LOG.debugf("removing superseded member %s not done yet: %s; retrying next round", old,
                                failure);
                    }
                })));
    }

    private boolean promoteCaughtUpLearners(RaftStatus status) {
        for (RaftStatus.PeerProgress peer : status.peers()) {
            if (!peer.voter() && peer.recentlyActive() && status.lastIndex() - peer.matchIndex() <= PROMOTE_MAX_LAG_ENTRIES) {
                node.server().ifPresent(server -> server.promote(peer.id()).whenComplete((done, failure) -> {
                    if (failure == null) {
                        LOG.infof("promoted learner %s to voter (caught up to %d)", peer.id(), peer.matchIndex());
                    } else {
                        // Typically "a membership change is already pending": retried next round, so not a warning.
                        LOG.debugf("promoting learner %s not done yet: %s; retrying next round", peer.id(), failure);
                    }
                }));
                return true; // One membership change at a time.
            }
        }
        return false;
    }

    /** For tests and diagnostics: the next due expiry as the leader sees it. */
    OptionalLong nextExpiry() {
        return gateway.read(queries::nextHoldExpiryMillis, ReadConsistency.STALE).join();
    }
}
