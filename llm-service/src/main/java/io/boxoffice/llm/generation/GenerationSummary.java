package io.boxoffice.llm.generation;

/**
 * How a sequence went. Durations are from submission; {@code firstTokenNanos} is -1 when no token
 * was generated.
 */
public record GenerationSummary(FinishReason reason, int promptTokens, int generatedTokens,
        long queuedNanos, long firstTokenNanos, long totalNanos) {

    /** Generated tokens per second from the first token to the end, or 0 when fewer than two tokens. */
    public double decodeTokensPerSecond() {
        long decodeNanos = totalNanos - firstTokenNanos;
        return generatedTokens > 1 && decodeNanos > 0 ? (generatedTokens - 1) * 1e9 / decodeNanos : 0;
    }
}
