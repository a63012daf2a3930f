package io.boxoffice.llm.metrics;

import io.boxoffice.llm.generation.GenerationMetrics;
import io.boxoffice.llm.generation.GenerationSummary;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Locale;

/**
 * Generation metrics, exported at /q/metrics as {@code boxoffice_llm_*}: time to first token,
 * generation duration by finish reason, generated tokens, per-request decode tokens/s, batch
 * size per step, and rejected requests. Queue depth and active sequences are gauges registered
 * by {@link LlmGauges}.
 */
@ApplicationScoped
public class MicrometerGenerationMetrics implements GenerationMetrics {

    private final MeterRegistry registry;
    private final Timer timeToFirstToken;
    private final Counter generatedTokens;
    private final DistributionSummary tokensPerSecond;
    private final DistributionSummary batchRows;
    private final Timer batchStep;
    private final DistributionSummary prefillTokens;
    private final Timer prefillStep;

    public MicrometerGenerationMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.timeToFirstToken = Timer.builder("boxoffice.llm.time.to.first.token")
                .description("From submission to the first generated token (queueing and prompt included)")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(5)).maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
        this.generatedTokens = Counter.builder("boxoffice.llm.generated.tokens").description("Tokens generated").register(registry);
        this.tokensPerSecond = DistributionSummary.builder("boxoffice.llm.decode.tokens.per.second")
                .description("Per request: generated tokens per second after the first token")
                .publishPercentileHistogram().minimumExpectedValue(1.0).maximumExpectedValue(1000.0).register(registry);
        this.batchRows = DistributionSummary.builder("boxoffice.llm.batch.rows")
                .description("Sequences decoded together per step").register(registry);
        this.batchStep = Timer.builder("boxoffice.llm.batch.step").description("Duration of one batched decode step")
                .publishPercentileHistogram().register(registry);
        this.prefillTokens = DistributionSummary.builder("boxoffice.llm.prefill.tokens")
                .description("Prompt tokens run together in one prefill round").register(registry);
        this.prefillStep = Timer.builder("boxoffice.llm.prefill.step")
                .description("Duration of one prefill round (prompts packed together, between two decode steps)")
                .publishPercentileHistogram().register(registry);
    }

    @Override
    public void rejected() {
        rejected("queue_full");
    }

    public void rejected(String reason) {
        registry.counter("boxoffice.llm.requests.rejected", "reason", reason).increment();
    }

    @Override
    public void firstToken(long nanosSinceSubmit) {
        timeToFirstToken.record(Duration.ofNanos(nanosSinceSubmit));
    }

    @Override
    public void finished(GenerationSummary summary) {
        generatedTokens.increment(summary.generatedTokens());
        Timer.builder("boxoffice.llm.generation.duration").description("From submission to the end of generation")
                .tag("reason", summary.reason().name().toLowerCase(Locale.ROOT))
                .publishPercentileHistogram().register(registry).record(Duration.ofNanos(summary.totalNanos()));
        double rate = summary.decodeTokensPerSecond();
        if (rate > 0) {
            tokensPerSecond.record(rate);
        }
    }

    @Override
    public void batchStep(int rows, long nanos) {
        batchRows.record(rows);
        batchStep.record(Duration.ofNanos(nanos));
    }

    @Override
    public void prefillStep(int prompts, int tokens, long nanos) {
        prefillTokens.record(tokens);
        prefillStep.record(Duration.ofNanos(nanos));
    }

    /** Latency of a whole gRPC call, by method and final status code. */
    public void request(String method, String status, long nanos) {
        Timer.builder("boxoffice.llm.request.duration").description("gRPC request latency, to the end of the stream")
                .tag("method", method).tag("status", status).publishPercentileHistogram()
                .register(registry).record(Duration.ofNanos(nanos));
    }

    public void withheldSentences(int count) {
        if (count > 0) {
            registry.counter("boxoffice.llm.assistant.withheld.sentences").increment(count);
        }
    }
}
