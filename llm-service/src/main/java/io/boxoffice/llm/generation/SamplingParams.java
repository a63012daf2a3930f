package io.boxoffice.llm.generation;

import java.util.OptionalLong;

/**
 * How the next token is chosen. {@code temperature == 0} is greedy (argmax); otherwise logits are
 * divided by the temperature, optionally restricted to the {@code topK} most likely tokens and then
 * to the nucleus of probability {@code topP}, and sampled with a generator seeded by {@code seed}.
 */
public record SamplingParams(float temperature, int topK, float topP, OptionalLong seed) {

    public static final float TEMPERATURE_MAX = 5f;

    public SamplingParams {
        if (!(temperature >= 0f && temperature <= TEMPERATURE_MAX)) {
            throw new IllegalArgumentException("temperature must be within 0.." + TEMPERATURE_MAX + ", got " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("top_k must be 0 (off) or positive, got " + topK);
        }
        if (!(topP >= 0f && topP <= 1f)) {
            throw new IllegalArgumentException("top_p must be within 0..1 (0 or 1 = off), got " + topP);
        }
    }

    public static SamplingParams greedy() {
        return new SamplingParams(0f, 0, 0f, OptionalLong.empty());
    }

    public static SamplingParams seeded(float temperature, int topK, float topP, long seed) {
        return new SamplingParams(temperature, topK, topP, OptionalLong.of(seed));
    }

    public boolean isGreedy() {
        return temperature == 0f;
    }

    boolean usesTopP() {
        return topP > 0f && topP < 1f;
    }
}
