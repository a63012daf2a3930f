package io.boxoffice.llm.generation;

/**
 * Bounds of the scheduler.
 *
 * @param batchSizeMax sequences admitted at once (prompts running or being decoded)
 * @param queueCapacity requests waiting for a batch slot before new ones are rejected
 * @param idlePollMillis how long the idle scheduler waits for work before checking for shutdown
 * @param prefillTokensPerStepMax prompt tokens run in one prefill round, between two decode
 *     steps: bounds how long a long prompt (or many prompts arriving together) delays the
 *     sequences being decoded
 * @param prefillTokensIdleMax prompt tokens run in one pass when no sequence is being decoded
 *     (at least {@code prefillTokensPerStepMax}): then nobody waits for a decode step, so prompts
 *     that arrive together at an idle model run in one pass instead of rounds, and all of them get
 *     their first token after that one pass. Bounds the pass's memory and how long a prompt that
 *     arrives during it waits to be admitted.
 */
public record SchedulerLimits(int batchSizeMax, int queueCapacity, int idlePollMillis, int prefillTokensPerStepMax,
        int prefillTokensIdleMax) {

    /** The service default of {@code boxoffice.llm.scheduler.prefill-tokens-per-step-max}. */
    public static final int PREFILL_TOKENS_PER_STEP_DEFAULT = 256;

    /** The service default of {@code boxoffice.llm.scheduler.prefill-tokens-idle-max}. */
    public static final int PREFILL_TOKENS_IDLE_DEFAULT = 1024;

    public SchedulerLimits {
        if (batchSizeMax < 1 || batchSizeMax > 64) {
            throw new IllegalArgumentException("batch size max must be within 1..64, got " + batchSizeMax);
        }
        if (queueCapacity < 1 || queueCapacity > 10_000) {
            throw new IllegalArgumentException("queue capacity must be within 1..10000, got " + queueCapacity);
        }
        if (idlePollMillis < 1) {
            throw new IllegalArgumentException("idle poll millis must be positive, got " + idlePollMillis);
        }
        if (prefillTokensPerStepMax < 1 || prefillTokensPerStepMax > 65_536) {
            throw new IllegalArgumentException("prefill tokens per step max must be within 1..65536, got " + prefillTokensPerStepMax);
        }
        if (prefillTokensIdleMax < prefillTokensPerStepMax || prefillTokensIdleMax > 65_536) {
            throw new IllegalArgumentException("prefill tokens idle max must be within " + prefillTokensPerStepMax
                    + " (the per-step max)..65536, got " + prefillTokensIdleMax);
        }
    }

    /** Prefill rounds of {@code prefillTokensPerStepMax} tokens whether or not anything is being decoded. */
    public SchedulerLimits(int batchSizeMax, int queueCapacity, int idlePollMillis, int prefillTokensPerStepMax) {
        this(batchSizeMax, queueCapacity, idlePollMillis, prefillTokensPerStepMax, prefillTokensPerStepMax);
    }

    public SchedulerLimits(int batchSizeMax, int queueCapacity, int idlePollMillis) {
        this(batchSizeMax, queueCapacity, idlePollMillis, PREFILL_TOKENS_PER_STEP_DEFAULT, PREFILL_TOKENS_IDLE_DEFAULT);
    }
}
