package io.boxoffice.llm.model;

import io.boxoffice.llm.generation.DecodeBackend;
import io.boxoffice.llm.generation.PromptRun;
import java.util.ArrayList;
import java.util.List;

/**
 * Decoding with the key/value cache: prompts (or parts of long ones) run packed together in one
 * pass, then each decode step runs one token per row.
 */
public final class CachedDecodeBackend implements DecodeBackend {

    private final Gpt2Model model;
    private final BatchKvCache cache;

    public CachedDecodeBackend(Gpt2Model model) {
        this.model = model;
        this.cache = new BatchKvCache(model);
    }

    @Override
    public float[][] prefill(List<PromptRun> prompts, int[] tokens) {
        List<Gpt2Model.PrefillPart> parts = new ArrayList<>(prompts.size());
        for (int i = 0; i < prompts.size(); i++) {
            PromptRun prompt = prompts.get(i);
            parts.add(new Gpt2Model.PrefillPart(prompt.next(tokens[i]), (Gpt2Model.Prefill) prompt.partialState(),
                    tokens[i] == prompt.remaining()));
        }
        List<Gpt2Model.Prefill> results = model.prefill(parts, cache.manager());
        float[][] logits = new float[prompts.size()][];
        List<Gpt2Model.Prefill> joining = new ArrayList<>();
        for (int i = 0; i < prompts.size(); i++) {
            Gpt2Model.PrefillPart part = parts.get(i);
            if (part.history() != null) {
                part.history().close(); // its keys and values were copied into the result
            }
            Gpt2Model.Prefill result = results.get(i);
            if (part.last()) {
                joining.add(result);
                logits[i] = result.lastLogits();
                prompts.get(i).advance(tokens[i], null);
            } else {
                prompts.get(i).advance(tokens[i], result);
            }
        }
        if (!joining.isEmpty()) {
            cache.addAll(joining);
        }
        return logits;
    }

    @Override
    public void discard(PromptRun prompt) {
        if (prompt.partialState() instanceof Gpt2Model.Prefill partial) {
            partial.close();
        }
    }

    @Override
    public float[][] step(int[] lastTokens) {
        return cache.decode(lastTokens);
    }

    @Override
    public void remove(int[] rows) {
        cache.remove(rows);
    }

    @Override
    public int rows() {
        return cache.rows();
    }

    @Override
    public int positions() {
        return model.config().positions();
    }

    @Override
    public void close() {
        cache.close();
    }
}
