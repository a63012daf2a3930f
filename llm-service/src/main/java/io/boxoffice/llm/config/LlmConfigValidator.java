package io.boxoffice.llm.config;

import java.util.ArrayList;
import java.util.List;

/** Checks every limit once at start-up and fails with one message listing each mistake and its fix. */
public final class LlmConfigValidator {

    private LlmConfigValidator() {}

    public static void validate(LlmConfig config) {
        List<String> problems = new ArrayList<>();
        range(problems, "boxoffice.llm.threads", config.threads(), 0, 256);
        range(problems, "boxoffice.llm.scheduler.batch-size-max", config.scheduler().batchSizeMax(), 1, 64);
        range(problems, "boxoffice.llm.scheduler.queue-capacity", config.scheduler().queueCapacity(), 1, 10_000);
        range(problems, "boxoffice.llm.scheduler.prefill-tokens-per-step-max", config.scheduler().prefillTokensPerStepMax(), 16, 4096);
        range(problems, "boxoffice.llm.scheduler.prefill-tokens-idle-max", config.scheduler().prefillTokensIdleMax(),
                config.scheduler().prefillTokensPerStepMax(), 4096);
        LlmConfig.Generation g = config.generation();
        range(problems, "boxoffice.llm.generation.max-new-tokens-max", g.maxNewTokensMax(), 1, 1023);
        range(problems, "boxoffice.llm.generation.max-new-tokens-default", g.maxNewTokensDefault(), 1, g.maxNewTokensMax());
        range(problems, "boxoffice.llm.generation.deadline-millis-max", g.deadlineMillisMax(), 1, 600_000);
        range(problems, "boxoffice.llm.generation.deadline-millis-default", g.deadlineMillisDefault(), 1, g.deadlineMillisMax());
        range(problems, "boxoffice.llm.generation.prompt-chars-max", g.promptCharsMax(), 1, 100_000);
        range(problems, "boxoffice.llm.generation.stop-sequences-max", g.stopSequencesMax(), 0, 16);
        range(problems, "boxoffice.llm.generation.stop-sequence-chars-max", g.stopSequenceCharsMax(), 1, 1000);
        LlmConfig.Assistant a = config.assistant();
        range(problems, "boxoffice.llm.assistant.question-chars-max", a.questionCharsMax(), 1, 10_000);
        range(problems, "boxoffice.llm.assistant.passages-max", a.passagesMax(), 0, 10);
        range(problems, "boxoffice.llm.assistant.max-new-tokens-default", a.maxNewTokensDefault(), 1, g.maxNewTokensMax());
        range(problems, "boxoffice.llm.assistant.facts-items-max", a.factsItemsMax(), 1, 100_000);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid llm-service configuration:\n  " + String.join("\n  ", problems));
        }
    }

    private static void range(List<String> problems, String key, int value, int min, int max) {
        if (value < min || value > max) {
            problems.add(key + "=" + value + " is outside " + min + ".." + max + "; set it within that range"
                    + " (application.properties or the environment variable "
                    + key.toUpperCase().replace('.', '_').replace('-', '_') + ")");
        }
    }
}
