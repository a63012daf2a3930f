package io.boxoffice.verifier.check;

import java.util.List;

/**
 * Everything a check found: the per-seat linearizability verdicts and the invariant violations.
 *
 * @param operations          client operations in the history
 * @param unknownOperations   of which ended with an unknown outcome
 * @param partitions          per-seat verdicts
 * @param violations          every violation (linearizability ones included)
 * @param inconclusivePartitions seats whose search ran out of budget
 */
public record CheckReport(int operations, int unknownOperations, List<PartitionResult> partitions,
                          List<Violation> violations, int inconclusivePartitions) {

    public CheckReport {
        partitions = List.copyOf(partitions);
        violations = List.copyOf(violations);
    }

    /** True when nothing is violated and every partition was decided. */
    public boolean passed() {
        return violations.isEmpty() && inconclusivePartitions == 0;
    }

    public CheckReport withViolations(List<Violation> more) {
        java.util.ArrayList<Violation> all = new java.util.ArrayList<>(violations);
        all.addAll(more);
        return new CheckReport(operations, unknownOperations, partitions, all, inconclusivePartitions);
    }

    public String summary() {
        long linearizable = partitions.stream()
                .filter(p -> p.verdict() == PartitionResult.Verdict.LINEARIZABLE).count();
        long seatOperations = partitions.stream().mapToLong(PartitionResult::operations).sum();
        StringBuilder text = new StringBuilder();
        text.append(passed() ? "PASS" : "FAIL").append(": ").append(operations).append(" operations (")
                .append(unknownOperations).append(" with unknown outcome), ").append(partitions.size())
                .append(" seats, ").append(seatOperations).append(" per-seat operations; ").append(linearizable)
                .append(" seats linearizable, ").append(inconclusivePartitions).append(" inconclusive; ")
                .append(violations.size()).append(" violations");
        for (Violation violation : violations) {
            text.append("\n  ").append(violation);
        }
        return text.toString();
    }
}
