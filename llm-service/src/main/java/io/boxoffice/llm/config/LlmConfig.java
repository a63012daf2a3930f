package io.boxoffice.llm.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.util.Optional;

/** Every limit of the service, under {@code boxoffice.llm}. Validated at start-up by {@link LlmConfigValidator}. */
@ConfigMapping(prefix = "boxoffice.llm")
public interface LlmConfig {

    /** Directory with config.json, model.safetensors, vocab.json, merges.txt. Missing files = facts-only mode. */
    @WithDefault("models/distilgpt2")
    Path modelDir();

    /** Where DJL extracts the bundled libtorch. Default: ${java.io.tmpdir}/boxoffice-djl. */
    Optional<Path> cacheDir();

    /**
     * PyTorch intra-op threads; 0 = one per available processor. Default 1: on a shared or
     * over-subscribed CPU, OpenMP worker threads that spin at barriers make every step many times
     * slower (measured: 17 ms per decode step with 1 thread, 270 ms with 2, while other processes
     * ran). Raise it only on cores reserved for this service (a Kubernetes CPU request = limit).
     */
    @WithDefault("1")
    int threads();

    /** Decode with the key/value cache (false only for comparisons: much slower). */
    @WithDefault("true")
    boolean kvCache();

    Scheduler scheduler();

    Generation generation();

    Assistant assistant();

    interface Scheduler {
        /** Sequences decoded together in one step. */
        @WithDefault("8")
        int batchSizeMax();

        /** Requests waiting for a batch slot; beyond this, RESOURCE_EXHAUSTED. */
        @WithDefault("32")
        int queueCapacity();

        /**
         * Prompt tokens run in one prefill round between two decode steps. Prompts that arrive
         * together run packed in one pass; a longer prompt runs in parts. Bounds the pause a new
         * prompt causes the answers being generated (about 1 ms per token on one core).
         */
        @WithDefault("256")
        int prefillTokensPerStepMax();

        /**
         * Prompt tokens run in one pass when nothing is being decoded (no answer waits for its
         * next token): prompts that arrive together at an idle model all get their first token
         * after one pass instead of several rounds. At least the per-step max.
         */
        @WithDefault("1024")
        int prefillTokensIdleMax();
    }

    interface Generation {
        @WithDefault("64")
        int maxNewTokensDefault();

        @WithDefault("256")
        int maxNewTokensMax();

        @WithDefault("10000")
        int deadlineMillisDefault();

        @WithDefault("60000")
        int deadlineMillisMax();

        /** Longest Generate prompt, in characters (the token limit is the model's context). */
        @WithDefault("8000")
        int promptCharsMax();

        @WithDefault("4")
        int stopSequencesMax();

        @WithDefault("64")
        int stopSequenceCharsMax();
    }

    interface Assistant {
        /** Longest question, in characters; longer ones are INVALID_ARGUMENT. */
        @WithDefault("1000")
        int questionCharsMax();

        /** Policy passages quoted per answer. */
        @WithDefault("2")
        int passagesMax();

        /** Model tokens for the generated part of an answer unless the request asks for fewer. */
        @WithDefault("48")
        int maxNewTokensDefault();

        /** Facts lists longer than this (bookings, holds, shows each) are INVALID_ARGUMENT. */
        @WithDefault("200")
        int factsItemsMax();
    }
}
