package io.boxoffice.llm.generation;

/**
 * Bounds of the scheduler.
 *
 * @param batchSizeMax sequences decoded together in one step
 * @param queueCapacity requests waiting for a batch slot before new ones are rejected
 * @param idlePollMillis how long the idle scheduler waits for work before checking for shutdown
 */
public record SchedulerLimits(int batchSizeMax, int queueCapacity, int idlePollMillis) {

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
    }
}
