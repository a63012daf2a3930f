package io.boxoffice.verifier.chaos;

/**
 * A fault as it actually happened (one JSON line of {@code nemesis.jsonl}).
 *
 * @param planned         the planned event
 * @param startNanos      when it started, on the history's clock
 * @param endNanos        when it healed, on the history's clock
 * @param startWallMillis wall clock at start
 * @param endWallMillis   wall clock at heal
 * @param targets         which nodes it hit, in words (for example "n2 (leader)" or "{n1} | {n2,n3}")
 * @param note            anything that did not go to plan (no leader to kill, a failed admin call); empty if none
 */
public record FaultRecord(FaultEvent planned, long startNanos, long endNanos, long startWallMillis, long endWallMillis,
                          String targets, String note) {
}
