package io.boxoffice.llm.generation;

import java.util.List;

/**
 * The model as the scheduler drives it: prompts run in (possibly partial) batches and then join
 * as rows, rows step together one token at a time, and leave. Two implementations: with a
 * key/value cache (production) and recomputing every row from scratch each step (for comparison).
 * Confined to the scheduler thread; a method that throws leaves the backend unusable (the
 * scheduler closes it and makes a new one).
 */
public interface DecodeBackend extends AutoCloseable {

    /**
     * Runs the next {@code tokens[i]} tokens of each prompt, all in one model pass, and advances
     * each {@link PromptRun}. A prompt whose last token ran joins the batch as a new last row, in
     * list order, and gets the logits of its next token; an unfinished one gets null and keeps its
     * partial state for a later call.
     */
    float[][] prefill(List<PromptRun> prompts, int[] tokens);

    /** Frees the partial state of a prompt that will not be finished (cancelled, timed out). */
    void discard(PromptRun prompt);

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
