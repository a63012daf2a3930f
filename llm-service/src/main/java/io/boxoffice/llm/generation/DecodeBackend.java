package io.boxoffice.llm.generation;

/**
 * The model as the scheduler drives it: rows join with a prompt, step together one token at a
 * time, and leave. Two implementations: with a key/value cache (production) and recomputing
 * every row from scratch each step (for comparison). Confined to the scheduler thread.
 */
public interface DecodeBackend extends AutoCloseable {

    /** Adds a row for {@code promptTokens} (appended last) and returns the logits of its next token. */
    float[] add(int[] promptTokens);

    /** Feeds one token per row, in row order, and returns each row's next-token logits. */
    float[][] step(int[] lastTokens);

    /** Removes rows; the remaining rows keep their relative order. */
    void remove(int[] rows);

    int rows();

    /** The most tokens a row may hold (the model's positions). */
    int positions();

    @Override
    void close();
}
