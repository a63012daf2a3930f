package io.boxoffice.llm.model;

import io.boxoffice.llm.generation.DecodeBackend;

/** Decoding with the key/value cache: each step runs one token per row through the model. */
public final class CachedDecodeBackend implements DecodeBackend {

    private final Gpt2Model model;
    private final BatchKvCache cache;

    public CachedDecodeBackend(Gpt2Model model) {
        this.model = model;
        this.cache = new BatchKvCache(model);
    }

    @Override
    public float[] add(int[] promptTokens) {
        Gpt2Model.Prefill prefill = model.prefill(promptTokens, cache.manager());
        cache.add(prefill);
        return prefill.lastLogits();
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
