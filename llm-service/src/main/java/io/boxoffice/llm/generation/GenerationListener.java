package io.boxoffice.llm.generation;

/**
 * Receives one sequence's output. Called only from the scheduler thread, in order: any number of
 * {@link #onText}, then exactly one of {@link #onFinish} or {@link #onError}. Implementations must
 * not block (the whole batch waits) and should not throw; if one throws, the sequence is cancelled.
 */
public interface GenerationListener {

    /** A text delta of complete characters, with the ids of the tokens generated since the last delta. */
    void onText(String text, int[] tokenIds);

    void onFinish(GenerationSummary summary);

    void onError(RuntimeException error);
}
