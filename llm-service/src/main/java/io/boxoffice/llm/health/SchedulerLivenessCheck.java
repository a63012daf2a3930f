package io.boxoffice.llm.health;

import io.boxoffice.llm.runtime.ModelService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/** Live unless the generation scheduler's thread has died (a bug: an Error escaped the decode loop). */
@Liveness
@ApplicationScoped
public class SchedulerLivenessCheck implements HealthCheck {

    @Inject
    ModelService models;

    @Override
    public HealthCheckResponse call() {
        boolean alive = models.loaded().map(l -> l.scheduler().isAlive()).orElse(true);
        return HealthCheckResponse.named("llm-scheduler").status(alive).build();
    }
}
