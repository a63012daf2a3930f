package io.boxoffice.booking.health;

import io.boxoffice.booking.cluster.ClusterNode;
import io.boxoffice.booking.config.BoxofficeConfig;
import io.boxoffice.raft.core.RaftStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;
import org.eclipse.microprofile.health.Startup;

/**
 * The three Kubernetes probes of a booking node, at {@code /q/health/live}, {@code /q/health/ready} and
 * {@code /q/health/started}.
 */
public final class RaftHealthChecks {

    private RaftHealthChecks() {
    }

    static HealthCheckResponseBuilder withStatus(HealthCheckResponseBuilder builder, RaftStatus status) {
        return builder.withData("nodeId", status.id()).withData("role", status.role().name())
                .withData("term", status.term()).withData("leaderId", String.valueOf(status.leaderId()))
                .withData("commitIndex", status.commitIndex()).withData("appliedIndex", status.appliedIndex());
    }

    /** Live while the Raft driver loop runs; down for good once it stopped on a storage or state-machine error. */
    @Liveness
    @ApplicationScoped
    public static class RaftLoopLiveness implements HealthCheck {
        @Inject
        ClusterNode node;

        @Override
        public HealthCheckResponse call() {
            HealthCheckResponseBuilder builder = HealthCheckResponse.named("raft-loop");
            Optional<Throwable> failure = node.failure();
            if (failure.isPresent()) {
                return builder.down().withData("failure", String.valueOf(failure.get())).build();
            }
            return builder.up().withData("started", node.started()).build();
        }
    }

    /**
     * Ready when this node can serve: it is running and not stopping, knows a leader, and has applied
     * (nearly) everything it knows is committed.
     */
    @Readiness
    @ApplicationScoped
    public static class RaftReadiness implements HealthCheck {
        @Inject
        ClusterNode node;
        @Inject
        BoxofficeConfig config;

        @Override
        public HealthCheckResponse call() {
            HealthCheckResponseBuilder builder = HealthCheckResponse.named("raft-ready");
            if (node.stopping()) {
                return builder.down().withData("reason", "shutting down").build();
            }
            Optional<RaftStatus> status = node.status();
            if (status.isEmpty() || node.failure().isPresent()) {
                return builder.down().withData("reason", "raft not running").build();
            }
            RaftStatus current = status.get();
            withStatus(builder, current);
            if (current.leaderId() == null) {
                return builder.down().withData("reason", "no leader known (election in progress)").build();
            }
            long lag = current.commitIndex() - current.appliedIndex();
            if (lag > config.raft().readyMaxApplyLagEntries()) {
                return builder.down().withData("reason", "applying the log: " + lag + " committed entries behind")
                        .build();
            }
            return builder.up().build();
        }
    }

    /** Started once the log was recovered and the Raft server runs. */
    @Startup
    @ApplicationScoped
    public static class RaftStarted implements HealthCheck {
        @Inject
        ClusterNode node;

        @Override
        public HealthCheckResponse call() {
            HealthCheckResponseBuilder builder = HealthCheckResponse.named("raft-started");
            return node.started() ? builder.up().build() : builder.down().build();
        }
    }
}
