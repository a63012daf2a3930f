package io.boxoffice.llm.metrics;

import io.boxoffice.llm.runtime.ModelService;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/** Gauges read from the live scheduler: queue depth, active sequences, and whether a model is loaded. */
@ApplicationScoped
public class LlmGauges {

    void register(@Observes StartupEvent event, MeterRegistry registry, ModelService models) {
        Gauge.builder("boxoffice.llm.queue.depth", models, m -> m.loaded().map(l -> l.scheduler().queueDepth()).orElse(0))
                .description("Requests waiting for a batch slot").register(registry);
        Gauge.builder("boxoffice.llm.active.sequences", models, m -> m.loaded().map(l -> l.scheduler().activeSequences()).orElse(0))
                .description("Sequences being decoded").register(registry);
        Gauge.builder("boxoffice.llm.model.loaded", models, m -> m.state() == ModelService.State.READY ? 1 : 0)
                .description("1 when the language model is loaded, 0 in facts-only mode or while loading").register(registry);
    }
}
