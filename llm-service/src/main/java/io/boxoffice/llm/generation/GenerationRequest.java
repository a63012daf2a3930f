package io.boxoffice.llm.generation;

import java.util.List;

/**
 * One sequence to generate.
 *
 * @param promptTokens at least one token
 * @param maxNewTokens at least one
 * @param deadlineNanos in the scheduler clock's time base ({@link System#nanoTime()} in production)
 */
public record GenerationRequest(int[] promptTokens, SamplingParams sampling, int maxNewTokens,
        List<String> stopSequences, long deadlineNanos) {

    public GenerationRequest {
        if (promptTokens.length == 0) {
            throw new IllegalArgumentException("the prompt must have at least one token");
        }
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("max new tokens must be at least 1, got " + maxNewTokens);
        }
        stopSequences = List.copyOf(stopSequences);
    }
}
