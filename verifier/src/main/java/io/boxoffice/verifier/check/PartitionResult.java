package io.boxoffice.verifier.check;

import java.util.List;
import java.util.Set;

/**
 * The verdict on one seat's history.
 *
 * @param partition              the seat, as {@code showId/seatId}
 * @param verdict                linearizable, not, or undecided within the search budget
 * @param operations             operations in the partition
 * @param unknownOperations      of which had an unknown outcome
 * @param searchSteps            model steps the search took
 * @param elapsedMillis          wall time of the search
 * @param longestPrefix          most operations the search managed to linearize
 * @param blockingOperation      for a violation: the operation that returned before the search could place
 *                               it, at the longest linearization found; null otherwise
 * @param linearizedBeforeBlock  for a violation: the last operations of that longest linearization, in order
 * @param valuesAtBlock          for a violation: the seat's possible values after that linearization
 */
public record PartitionResult(String partition, Verdict verdict, int operations, int unknownOperations,
                              long searchSteps, long elapsedMillis, int longestPrefix,
                              SeatOperation blockingOperation, List<SeatOperation> linearizedBeforeBlock,
                              Set<SeatValue> valuesAtBlock) {

    public enum Verdict {
        LINEARIZABLE,
        NOT_LINEARIZABLE,
        /** The search exceeded its step budget; neither proven nor refuted. */
        INCONCLUSIVE
    }

    public boolean isViolation() {
        return verdict == Verdict.NOT_LINEARIZABLE;
    }

    /** A few lines for a human: which operation could not be placed and what came before it. */
    public String explain() {
        if (verdict != Verdict.NOT_LINEARIZABLE) {
            return partition + ": " + verdict + " (" + operations + " operations, " + searchSteps + " steps)";
        }
        StringBuilder text = new StringBuilder();
        text.append(partition).append(": NOT LINEARIZABLE. ").append(longestPrefix).append(" of ")
                .append(operations).append(" operations could be linearized; then no order explains\n  ")
                .append(blockingOperation.describe()).append("\n  seat could be: ").append(valuesAtBlock)
                .append("\n  last operations of the longest linearization:");
        for (SeatOperation operation : linearizedBeforeBlock) {
            text.append("\n    ").append(operation.describe());
        }
        return text.toString();
    }
}
