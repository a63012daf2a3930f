package io.boxoffice.booking.api;

import java.util.List;

/**
 * A request failed validation before anything was proposed. Carries every violation, each naming the
 * request field (as in the proto: {@code seat_ids[2]}, {@code payment.card_number}).
 */
public final class InvalidArgument extends RuntimeException {

    private final List<Violation> violations;

    public InvalidArgument(List<Violation> violations) {
        super(describe(violations));
        this.violations = List.copyOf(violations);
    }

    public List<Violation> violations() {
        return violations;
    }

    /** One field's problem. */
    public record Violation(String field, String description) {
    }

    private static String describe(List<Violation> violations) {
        StringBuilder text = new StringBuilder();
        for (Violation violation : violations) {
            if (!text.isEmpty()) {
                text.append("; ");
            }
            text.append(violation.field()).append(": ").append(violation.description());
        }
        return text.toString();
    }
}
