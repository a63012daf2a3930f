package io.boxoffice.llm.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TokenSamplerTest {

    private static float[] randomLogits(long seed, int size) {
        Random random = new Random(seed);
        float[] logits = new float[size];
        for (int i = 0; i < size; i++) {
            logits[i] = (float) random.nextGaussian() * 3;
        }
        return logits;
    }

    private static int[] draw(SamplingParams params, long seed, int count) {
        TokenSampler sampler = new TokenSampler(params, seed);
        float[] logits = randomLogits(9, 5000);
        return IntStream.range(0, count).map(i -> sampler.sample(logits)).toArray();
    }

    @Test
    void greedy_picks_the_largest_logit() {
        float[] logits = randomLogits(1, 1000);
        int best = 0;
        for (int i = 0; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        assertThat(new TokenSampler(SamplingParams.greedy(), 0).sample(logits)).isEqualTo(best);
    }

    @Test
    void the_same_seed_gives_the_same_tokens_and_another_seed_other_tokens() {
        SamplingParams params = SamplingParams.seeded(1.0f, 0, 0.95f, 123);
        assertThat(draw(params, 123, 200)).containsExactly(draw(params, 123, 200));
        assertThat(draw(params, 124, 200)).isNotEqualTo(draw(params, 123, 200));
    }

    @Test
    void top_k_only_ever_returns_one_of_the_k_most_likely_tokens() {
        float[] logits = randomLogits(9, 5000);
        Set<Integer> top5 = new HashSet<>();
        IntStream.range(0, logits.length).boxed().sorted((a, b) -> Float.compare(logits[b], logits[a])).limit(5).forEach(top5::add);
        Set<Integer> seen = new HashSet<>();
        for (int token : draw(SamplingParams.seeded(2.0f, 5, 0f, 1), 1, 500)) {
            seen.add(token);
        }
        assertThat(top5).containsAll(seen);
        assertThat(seen).hasSizeGreaterThan(1);
    }

    @Test
    void top_k_of_one_and_a_tiny_nucleus_are_greedy() {
        int greedy = draw(SamplingParams.greedy(), 0, 1)[0];
        assertThat(draw(SamplingParams.seeded(1.5f, 1, 0f, 3), 3, 50)).containsOnly(greedy);
        assertThat(draw(SamplingParams.seeded(1.0f, 0, 1e-6f, 3), 3, 50)).containsOnly(greedy);
    }

    @Test
    void top_p_keeps_the_smallest_set_reaching_the_mass() {
        // probabilities 0.5, 0.3, 0.15, 0.05: p=0.75 keeps the first two, p=0.85 the first three
        float[] logits = {(float) Math.log(0.5), (float) Math.log(0.3), (float) Math.log(0.15), (float) Math.log(0.05)};
        Set<Integer> seen = new HashSet<>();
        TokenSampler sampler = new TokenSampler(SamplingParams.seeded(1f, 0, 0.75f, 8), 8);
        for (int i = 0; i < 400; i++) {
            seen.add(sampler.sample(logits));
        }
        assertThat(seen).containsExactlyInAnyOrder(0, 1);
        TokenSampler wider = new TokenSampler(SamplingParams.seeded(1f, 0, 0.85f, 8), 8);
        seen.clear();
        for (int i = 0; i < 400; i++) {
            seen.add(wider.sample(logits));
        }
        assertThat(seen).containsExactlyInAnyOrder(0, 1, 2);
    }

    @Test
    void sampling_follows_the_distribution() {
        float[] logits = {0f, (float) Math.log(3)}; // 25% / 75%
        TokenSampler sampler = new TokenSampler(SamplingParams.seeded(1f, 0, 0f, 4), 4);
        int ones = 0;
        for (int i = 0; i < 4000; i++) {
            ones += sampler.sample(logits);
        }
        assertThat(ones / 4000.0).isBetween(0.72, 0.78);
    }

    @Test
    void out_of_range_parameters_are_refused() {
        assertThatThrownBy(() -> SamplingParams.seeded(-1f, 0, 0f, 1)).hasMessageContaining("temperature");
        assertThatThrownBy(() -> SamplingParams.seeded(1f, -2, 0f, 1)).hasMessageContaining("top_k");
        assertThatThrownBy(() -> SamplingParams.seeded(1f, 0, 1.5f, 1)).hasMessageContaining("top_p");
        assertThatThrownBy(() -> SamplingParams.seeded(Float.NaN, 0, 0f, 1)).hasMessageContaining("temperature");
    }
}
