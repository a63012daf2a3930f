package io.boxoffice.llm.generation;

/** Why a sequence stopped generating. */
public enum FinishReason {
    MAX_TOKENS,
    STOP_SEQUENCE,
    END_OF_TEXT,
    DEADLINE,
    CANCELLED,
    /** The sequence filled the model's positions (1024 for GPT-2). */
    CONTEXT_FULL,
    /** The scheduler failed while decoding (see the listener's error). */
    FAILED
}
