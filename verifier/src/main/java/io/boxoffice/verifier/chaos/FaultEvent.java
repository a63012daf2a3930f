package io.boxoffice.verifier.chaos;

/**
 * One planned fault. Targets are chosen when the fault starts (who leads is known only then) from
 * {@code choice}, a seeded number, so the same seed gives the same plan and the same choices among the
 * same candidates.
 *
 * @param startOffsetMillis when to start, from the start of the workload
 * @param kind              what to do
 * @param durationMillis    how long the fault lasts before it heals
 * @param choice            seeded number that picks targets and partition sides
 */
public record FaultEvent(long startOffsetMillis, FaultKind kind, long durationMillis, long choice) {
}
