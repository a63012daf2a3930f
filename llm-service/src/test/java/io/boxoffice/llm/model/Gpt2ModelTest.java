package io.boxoffice.llm.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class Gpt2ModelTest {

    /** Largest logit difference allowed between two float32 computations of the same logits. */
    private static final float TOLERANCE = 2e-4f;
    private static Gpt2Model model;

    @BeforeAll
    static void load() throws IOException {
        model = Gpt2Model.load(TestModels.tiny(true, true));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void loads_a_random_hugging_face_checkpoint_with_its_config() {
        assertThat(model.config()).isEqualTo(TestModels.TINY);
    }

    @Test
    void loads_checkpoints_with_and_without_the_transformer_prefix_to_the_same_shapes() throws IOException {
        try (Gpt2Model plain = Gpt2Model.load(TestModels.tiny(false, true))) {
            assertThat(plain.logitsAllPositions(new int[] {1, 2, 3})).hasDimensions(3, 300);
        }
    }

    @Test
    void output_shapes_are_positions_by_vocabulary_and_cache_is_heads_by_tokens_by_head_size() {
        assertThat(model.logitsAllPositions(new int[] {5, 6, 7, 8, 9})).hasDimensions(5, 300);
        try (BatchKvCache cache = new BatchKvCache(model)) {
            Gpt2Model.Prefill prefill = model.prefill(new int[] {5, 6, 7}, cache.manager());
            assertThat(prefill.keys()).hasSize(2);
            assertThat(prefill.keys()[0].getShape()).isEqualTo(new Shape(1, 4, 3, 8));
            assertThat(prefill.values()[1].getShape()).isEqualTo(new Shape(1, 4, 3, 8));
            assertThat(prefill.lastLogits()).hasSize(300);
        }
    }

    @Test
    void logits_equal_an_independent_plain_java_gpt2() throws IOException {
        Path dir = TestModels.tiny(true, true);
        int[] tokens = {11, 250, 3, 77, 199, 42, 0, 298};
        float[][] expected = new ReferenceGpt2(dir).logits(tokens);
        float[][] actual = model.logitsAllPositions(tokens);
        for (int t = 0; t < tokens.length; t++) {
            for (int v = 0; v < 300; v++) {
                assertThat(actual[t][v]).as("position %d token %d", t, v).isCloseTo(expected[t][v], within(1e-3f));
            }
        }
    }

    @Test
    void logits_with_the_kv_cache_equal_logits_without_it() {
        int[] tokens = randomTokens(new Random(1), 20);
        float[][] full = model.logitsAllPositions(tokens);
        try (BatchKvCache cache = new BatchKvCache(model)) {
            Gpt2Model.Prefill prefill = model.prefill(java.util.Arrays.copyOf(tokens, 6), cache.manager());
            assertClose(prefill.lastLogits(), full[5]);
            cache.add(prefill);
            for (int t = 6; t < tokens.length; t++) {
                float[][] step = cache.decode(new int[] {tokens[t]});
                assertClose(step[0], full[t]);
            }
        }
    }

    @Test
    void rows_joining_and_leaving_a_batch_get_the_same_logits_as_alone() {
        Random random = new Random(2);
        List<int[]> sequences = List.of(randomTokens(random, 30), randomTokens(random, 25), randomTokens(random, 28));
        List<float[][]> alone = sequences.stream().map(model::logitsAllPositions).toList();
        int[] prompts = {3, 9, 1}; // different prompt lengths force padding on both sides of the alignment
        try (BatchKvCache cache = new BatchKvCache(model)) {
            int[] next = new int[3];
            List<Integer> rowOf = new ArrayList<>(List.of(-1, -1, -1));
            List<Integer> live = new ArrayList<>();
            for (int step = 0; step < 24; step++) {
                // sequence 0 starts at once, 1 joins at step 2, 2 joins at step 5; 1 leaves after step 12
                for (int s = 0; s < 3; s++) {
                    int joinAt = new int[] {0, 2, 5}[s];
                    if (step == joinAt) {
                        Gpt2Model.Prefill prefill = model.prefill(java.util.Arrays.copyOf(sequences.get(s), prompts[s]), cache.manager());
                        assertClose(prefill.lastLogits(), alone.get(s)[prompts[s] - 1]);
                        rowOf.set(s, cache.add(prefill));
                        live.add(s);
                        next[s] = prompts[s];
                    }
                }
                if (step == 13) {
                    cache.remove(new int[] {rowOf.get(1)});
                    live.remove(Integer.valueOf(1));
                    for (int s : List.of(2)) {
                        rowOf.set(s, rowOf.get(s) - 1);
                    }
                    rowOf.set(1, -1);
                }
                int[] feed = new int[cache.rows()];
                for (int s : live) {
                    feed[rowOf.get(s)] = sequences.get(s)[next[s]];
                }
                float[][] logits = cache.decode(feed);
                for (int s : live) {
                    assertClose(logits[rowOf.get(s)], alone.get(s)[next[s]]);
                    assertThat(cache.tokens(rowOf.get(s))).isEqualTo(next[s] + 1);
                    next[s]++;
                }
            }
        }
    }

    /**
     * Batched prefill: prompts of different lengths run packed in one pass must give each prompt
     * the same next-token logits, and the same cache, as running it alone (within {@link #TOLERANCE};
     * only the order of floating-point sums differs).
     */
    @Test
    void prompts_prefilled_together_get_the_same_logits_as_one_at_a_time() {
        Random random = new Random(4);
        List<int[]> prompts = List.of(randomTokens(random, 13), randomTokens(random, 1), randomTokens(random, 30),
                randomTokens(random, 7));
        List<Gpt2Model.PrefillPart> parts = prompts.stream().map(p -> new Gpt2Model.PrefillPart(p, null, true)).toList();
        try (BatchKvCache together = new BatchKvCache(model); BatchKvCache apart = new BatchKvCache(model)) {
            List<Gpt2Model.Prefill> packed = model.prefill(parts, together.manager());
            for (int i = 0; i < prompts.size(); i++) {
                float[][] reference = model.logitsAllPositions(prompts.get(i));
                assertClose(packed.get(i).lastLogits(), reference[prompts.get(i).length - 1]);
                Gpt2Model.Prefill alone = model.prefill(prompts.get(i), apart.manager());
                assertClose(packed.get(i).lastLogits(), alone.lastLogits());
                apart.add(alone);
            }
            together.addAll(packed);
            // The joined rows decode like rows that joined one by one.
            int[] next = {5, 6, 7, 8};
            for (int step = 0; step < 4; step++) {
                float[][] fromPacked = together.decode(next);
                float[][] fromAlone = apart.decode(next);
                for (int row = 0; row < next.length; row++) {
                    assertClose(fromPacked[row], fromAlone[row]);
                }
            }
        }
    }

    @Test
    void a_prompt_run_in_parts_gets_the_same_logits_as_run_whole() {
        int[] prompt = randomTokens(new Random(5), 41);
        float[][] reference = model.logitsAllPositions(prompt);
        try (BatchKvCache cache = new BatchKvCache(model)) {
            Gpt2Model.Prefill partial = null;
            int done = 0;
            for (int size : new int[] {16, 16, 9}) {
                int[] part = java.util.Arrays.copyOfRange(prompt, done, done + size);
                done += size;
                Gpt2Model.Prefill next = model.prefill(List.of(new Gpt2Model.PrefillPart(part, partial, done == prompt.length)),
                        cache.manager()).get(0);
                assertThat(next.tokens()).isEqualTo(done);
                assertThat(next.keys()[0].getShape()).isEqualTo(new Shape(1, 4, done, 8));
                if (partial != null) {
                    partial.close();
                }
                partial = next;
            }
            assertClose(partial.lastLogits(), reference[prompt.length - 1]);
            cache.add(partial);
            int[] longer = java.util.Arrays.copyOf(prompt, prompt.length + 1);
            longer[prompt.length] = 17;
            assertClose(cache.decode(new int[] {17})[0], model.logitsAllPositions(longer)[prompt.length]);
        }
    }

    @Test
    void a_part_that_does_not_finish_its_prompt_has_no_logits_and_cannot_join_the_batch() {
        try (BatchKvCache cache = new BatchKvCache(model)) {
            Gpt2Model.Prefill partial = model.prefill(List.of(new Gpt2Model.PrefillPart(new int[] {1, 2, 3}, null, false)),
                    cache.manager()).get(0);
            assertThat(partial.lastLogits()).isNull();
            assertThatThrownBy(() -> cache.add(partial)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not finished");
            partial.close();
        }
    }

    @Test
    void recomputing_padded_batches_gives_the_last_logits_of_each_sequence() {
        Random random = new Random(3);
        List<int[]> sequences = List.of(randomTokens(random, 4), randomTokens(random, 11), randomTokens(random, 7));
        float[][] batched = model.lastLogitsWithoutCache(sequences);
        for (int i = 0; i < sequences.size(); i++) {
            float[][] alone = model.logitsAllPositions(sequences.get(i));
            assertClose(batched[i], alone[alone.length - 1]);
        }
    }

    @Test
    void a_sequence_longer_than_the_positions_is_refused() {
        assertThatThrownBy(() -> model.logitsAllPositions(new int[65])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1..64");
    }

    @Test
    void a_checkpoint_missing_a_tensor_fails_with_its_name() throws IOException {
        Path dir = Files.createTempDirectory("boxoffice-broken");
        GptConfig threeLayers = new GptConfig(300, 64, 32, 3, 4, 1e-5f, 299);
        threeLayers.write(dir.resolve("config.json"));
        Files.copy(TestModels.tiny(false, true).resolve("model.safetensors"), dir.resolve("model.safetensors"));
        assertThatThrownBy(() -> Gpt2Model.load(dir)).isInstanceOf(IOException.class).hasMessageContaining("h.2.ln_1.weight");
    }

    @Test
    void a_config_of_another_architecture_is_refused() throws IOException {
        Path dir = Files.createTempDirectory("boxoffice-bert");
        Files.writeString(dir.resolve("config.json"), "{\"model_type\":\"bert\",\"vocab_size\":10}");
        assertThatThrownBy(() -> GptConfig.read(dir.resolve("config.json"))).hasMessageContaining("only 'gpt2'");
    }

    static int[] randomTokens(Random random, int length) {
        int[] tokens = new int[length];
        for (int i = 0; i < length; i++) {
            tokens[i] = random.nextInt(300);
        }
        return tokens;
    }

    static void assertClose(float[] actual, float[] expected) {
        assertThat(actual).hasSameSizeAs(expected);
        float worst = 0;
        for (int i = 0; i < actual.length; i++) {
            worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
        }
        assertThat(worst).as("largest logit difference").isLessThan(TOLERANCE);
    }
}
