package io.boxoffice.llm.model;

import io.boxoffice.llm.generation.DecodeBackend;
import io.boxoffice.llm.generation.PromptRun;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Decoding without a cache: every step runs every row's whole sequence through the model again.
 * Quadratically slower; kept to measure what the cache buys and as an independent reference.
 */
public final class RecomputingDecodeBackend implements DecodeBackend {

    private final Gpt2Model model;
    private final List<int[]> sequences = new ArrayList<>();

    public RecomputingDecodeBackend(Gpt2Model model) {
        this.model = model;
    }

    /** Without a cache a partial prompt has nothing to keep: it is recomputed whole once its last part runs. */
    @Override
    public float[][] prefill(List<PromptRun> prompts, int[] tokens) {
        float[][] logits = new float[prompts.size()][];
        for (int i = 0; i < prompts.size(); i++) {
            PromptRun prompt = prompts.get(i);
            boolean last = tokens[i] == prompt.remaining();
            prompt.advance(tokens[i], null);
            if (last) {
                sequences.add(prompt.tokens().clone());
                logits[i] = model.lastLogitsWithoutCache(List.of(prompt.tokens()))[0];
            }
        }
        return logits;
    }

    @Override
    public void discard(PromptRun prompt) {
        // Nothing is kept for an unfinished prompt.
    }

    @Override
    public float[][] step(int[] lastTokens) {
        if (lastTokens.length != sequences.size() || sequences.isEmpty()) {
            throw new IllegalArgumentException("step needs one token per row: " + lastTokens.length + " for " + sequences.size());
        }
        for (int row = 0; row < lastTokens.length; row++) {
            int[] sequence = sequences.get(row);
            int[] longer = Arrays.copyOf(sequence, sequence.length + 1);
            longer[sequence.length] = lastTokens[row];
            sequences.set(row, longer);
        }
        return model.lastLogitsWithoutCache(sequences);
    }

    @Override
    public void remove(int[] rows) {
        int[] sorted = rows.clone();
        Arrays.sort(sorted);
        for (int i = sorted.length - 1; i >= 0; i--) {
            sequences.remove(sorted[i]);
        }
    }

    @Override
    public int rows() {
        return sequences.size();
    }

    @Override
    public int positions() {
        return model.config().positions();
    }

    @Override
    public void close() {
        sequences.clear();
    }
}
