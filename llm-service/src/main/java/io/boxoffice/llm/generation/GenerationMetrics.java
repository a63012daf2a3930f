package io.boxoffice.llm.generation;

/** What the scheduler reports. Called from the submitting thread (rejections) and the scheduler thread. */
public interface GenerationMetrics {

    GenerationMetrics NONE = new GenerationMetrics() {};

    default void rejected() {}

    default void firstToken(long nanosSinceSubmit) {}

    default void finished(GenerationSummary summary) {}

    default void batchStep(int rows, long nanos) {}

    /** One prefill round: {@code prompts} prompts (or parts of them), {@code tokens} tokens in all. */
    default void prefillStep(int prompts, int tokens, long nanos) {}
}
