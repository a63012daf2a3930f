package io.boxoffice.llm.health;

import io.boxoffice.llm.runtime.ModelService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready when the model is loaded, or when there is no model and the service declares facts-only
 * mode (it then still answers what facts answer). Not ready while loading or after a failed load.
 */
@Readiness
@ApplicationScoped
public class ModelReadinessCheck implements HealthCheck {

    @Inject
    ModelService models;

    @Override
    public HealthCheckResponse call() {
        ModelService.State state = models.state();
        HealthCheckResponseBuilder response = HealthCheckResponse.named("llm-model")
                .withData("state", state.name())
                .withData("mode", state == ModelService.State.FACTS_ONLY ? "facts-only" : "model")
                .withData("detail", models.detail());
        return switch (state) {
            case READY, FACTS_ONLY -> response.up().build();
            case STARTING, LOADING, FAILED -> response.down().build();
        };
    }
}
