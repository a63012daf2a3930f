package io.boxoffice.cli.bench;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/** The weighted mix of operations the load generator draws from, e.g. {@code book=40,hold-confirm=15,...}. */
public final class OperationMix {

    /**
     * What one load-generator step does. {@code hold-abandon} holds seats and walks away (never confirms or
     * releases), so the hold expires on the server, as an abandoned checkout does.
     */
    public enum Operation {
        BOOK("book"), HOLD_CONFIRM("hold-confirm"), SEAT_MAP("seatmap"), CANCEL("cancel"), HOLD_ABANDON("hold-abandon");

        private final String label;

        Operation(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        static Operation of(String label) {
            for (Operation operation : values()) {
                if (operation.label.equals(label)) {
                    return operation;
                }
            }
            throw new IllegalArgumentException("unknown operation '" + label
                    + "': use book, hold-confirm, seatmap, cancel, hold-abandon");
        }
    }

    public static final String DEFAULT = "book=40,hold-confirm=15,seatmap=25,cancel=20";

    private final Map<Operation, Integer> weights;
    private final int totalWeight;

    private OperationMix(Map<Operation, Integer> weights) {
        this.weights = weights;
        this.totalWeight = weights.values().stream().mapToInt(Integer::intValue).sum();
    }

    public static OperationMix parse(String text) {
        Map<Operation, Integer> weights = new EnumMap<>(Operation.class);
        for (String part : text.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            String[] pair = part.trim().split("=");
            if (pair.length != 2) {
                throw new IllegalArgumentException("mix entry '" + part + "' must be operation=weight, e.g. book=40");
            }
            int weight;
            try {
                weight = Integer.parseInt(pair[1].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("weight of '" + pair[0] + "' must be a whole number");
            }
            if (weight < 0) {
                throw new IllegalArgumentException("weight of '" + pair[0] + "' must not be negative");
            }
            Operation operation = Operation.of(pair[0].trim().toLowerCase(Locale.ROOT));
            if (weights.put(operation, weight) != null) {
                throw new IllegalArgumentException("operation '" + pair[0].trim() + "' is given twice");
            }
        }
        if (weights.values().stream().mapToInt(Integer::intValue).sum() <= 0) {
            throw new IllegalArgumentException("the mix needs at least one operation with a positive weight");
        }
        return new OperationMix(weights);
    }

    /** The operation for a uniform draw in [0, 1). */
    public Operation pick(double unit) {
        int target = (int) Math.floor(unit * totalWeight);
        int cumulative = 0;
        for (Map.Entry<Operation, Integer> entry : weights.entrySet()) {
            cumulative += entry.getValue();
            if (target < cumulative) {
                return entry.getKey();
            }
        }
        throw new IllegalArgumentException("draw " + unit + " outside [0, 1)");
    }

    public int weight(Operation operation) {
        return weights.getOrDefault(operation, 0);
    }

    public String describe() {
        StringBuilder out = new StringBuilder();
        weights.forEach((operation, weight) -> out.append(out.isEmpty() ? "" : ",").append(operation.label())
                .append('=').append(weight));
        return out.toString();
    }
}
