package io.boxoffice.llm.generation;

/** Lets the submitter cancel a sequence; it then finishes with {@link FinishReason#CANCELLED} at the next step. */
public interface GenerationHandle {

    void cancel();
}
