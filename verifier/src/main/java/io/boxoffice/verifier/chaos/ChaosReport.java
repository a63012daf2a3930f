package io.boxoffice.verifier.chaos;

import io.boxoffice.verifier.check.ClientOperation;
import io.boxoffice.verifier.check.PartitionResult;
import io.boxoffice.verifier.check.ReplicaSnapshot;
import io.boxoffice.verifier.check.Violation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Writes {@code report.md}: verdict, how to replay, what ran, what was injected, what the checker found. */
final class ChaosReport {

    private ChaosReport() {
    }

    static void write(ChaosResult result) {
        try {
            Files.writeString(result.directory().resolve("report.md"), render(result));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report", e);
        }
    }

    static String render(ChaosResult result) {
        ChaosOptions options = result.options();
        StringBuilder text = new StringBuilder();
        text.append("# Chaos run ").append(result.runId()).append("\n\n");
        text.append("**Verdict: ").append(result.passed() ? "PASS" : "FAIL").append("** — ")
                .append(result.report().violations().size()).append(" violations, ")
                .append(result.report().inconclusivePartitions()).append(" seats undecided")
                .append(result.nemesisFailure().isEmpty() ? "" : ", nemesis failed: " + result.nemesisFailure())
                .append("\n\n");
        text.append("## Replay\n\n```\n").append(replayCommand(options)).append("\n```\n\n")
                .append("The seed fixes the fault plan and every client's choices; timing still varies. ")
                .append("To re-check this run's recorded history without a cluster:\n\n```\n")
                .append(ChaosCommand.COMMAND + " check ").append(result.directory().resolve("history.jsonl"))
                .append(" --hold-millis ").append(options.holdDurationMillis()).append("\n```\n\n");
        text.append("## Run\n\n| setting | value |\n|---|---|\n")
                .append("| members | ").append(options.members()).append(" |\n")
                .append("| clients | ").append(options.clients()).append(" |\n")
                .append("| duration | ").append(options.duration()).append(" |\n")
                .append("| seed | ").append(options.seed()).append(" |\n")
                .append("| hot seats | ").append(options.hotSeats()).append(" |\n")
                .append("| hold duration | ").append(options.holdDurationMillis()).append(" ms |\n")
                .append("| faults drawn from | ").append(options.faults()).append(" |\n\n");
        text.append("## Operations\n\n| operation | ok | fail | unknown |\n|---|---|---|---|\n");
        Map<ClientOperation.Type, Map<ClientOperation.Outcome, Long>> counts = new TreeMap<>();
        for (ClientOperation operation : result.history()) {
            counts.computeIfAbsent(operation.type(), type -> new TreeMap<>()).merge(operation.outcome(), 1L, Long::sum);
        }
        counts.forEach((type, byOutcome) -> text.append("| ").append(type).append(" | ")
                .append(byOutcome.getOrDefault(ClientOperation.Outcome.OK, 0L)).append(" | ")
                .append(byOutcome.getOrDefault(ClientOperation.Outcome.FAIL, 0L)).append(" | ")
                .append(byOutcome.getOrDefault(ClientOperation.Outcome.UNKNOWN, 0L)).append(" |\n"));
        text.append("| **all** | ").append(result.history().stream().filter(ClientOperation::isOk).count())
                .append(" | ").append(result.history().stream()
                        .filter(o -> o.outcome() == ClientOperation.Outcome.FAIL).count())
                .append(" | ").append(result.report().unknownOperations()).append(" |\n\n");
        text.append("## Faults injected (").append(result.faults().size()).append(")\n\n");
        text.append(result.faults().stream().collect(Collectors.groupingBy(f -> f.planned().kind(), TreeMap::new,
                Collectors.counting())).entrySet().stream().map(e -> e.getKey() + ": " + e.getValue())
                .collect(Collectors.joining(", "))).append("\n\n");
        text.append("| at (s) | fault | targets | lasted (ms) | note |\n|---|---|---|---|---|\n");
        for (FaultRecord fault : result.faults()) {
            text.append("| ").append(String.format("%.1f", fault.startNanos() / 1e9)).append(" | ")
                    .append(fault.planned().kind()).append(" | ").append(fault.targets().replace("|", "\\|")).append(" | ")
                    .append((fault.endNanos() - fault.startNanos()) / 1_000_000).append(" | ")
                    .append(fault.note().replace("|", "\\|")).append(" |\n");
        }
        text.append("\n## Check\n\nLost writes may take effect up to ").append(ChaosRun.UNKNOWN_EFFECT_HORIZON_MILLIS)
                .append(" ms after the client gave up (`--unknown-horizon-millis 0` re-checks without that bound).")
                .append("\n\n```\n").append(result.report().summary()).append("\n```\n\n");
        long slowest = result.report().partitions().stream().mapToLong(PartitionResult::elapsedMillis).max().orElse(0);
        text.append("Per-seat searches: ").append(result.report().partitions().size()).append(" seats, slowest ")
                .append(slowest).append(" ms.\n\n");
        for (Violation violation : result.report().violations()) {
            text.append("### ").append(violation.property()).append(" — ").append(violation.subject()).append("\n\n```\n")
                    .append(violation.detail()).append("\n```\n\n");
        }
        text.append("## Replicas after healing\n\n| node | applied index | state hash | bookings | active holds |\n")
                .append("|---|---|---|---|---|\n");
        for (ReplicaSnapshot replica : result.replicas()) {
            text.append("| ").append(replica.nodeId()).append(" | ").append(replica.appliedIndex()).append(" | `")
                    .append(replica.stateHash()).append("` | ").append(replica.bookings().size()).append(" | ")
                    .append(replica.activeHolds().size()).append(" |\n");
        }
        text.append("\n## Files\n\n- `history.jsonl`: every client operation (invoke/return times, outcome)\n")
                .append("- `nemesis.jsonl`: every fault as it happened\n- `logs/`: each node's output\n")
                .append(result.passed() && !options.keepData() ? "" : "- `data/`: the nodes' data directories\n");
        return text.toString();
    }

    static String replayCommand(ChaosOptions options) {
        return "sudo " + ChaosCommand.COMMAND + " --members " + options.members() + " --clients " + options.clients()
                + " --duration " + options.duration().toSeconds() + "s --seed " + options.seed() + " --seats "
                + options.hotSeats() + " --hold-millis " + options.holdDurationMillis() + " --faults "
                + options.faults().stream().map(Enum::name).collect(Collectors.joining(","));
    }
}
