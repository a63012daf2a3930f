package io.boxoffice.booking.config;

import java.util.List;

/** The node's configuration cannot work; the message lists every problem with its fix. */
public final class InvalidConfigurationException extends RuntimeException {
    private final List<String> problems;

    public InvalidConfigurationException(List<String> problems) {
        super(format(problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }

    private static String format(List<String> problems) {
        StringBuilder message = new StringBuilder("the booking node cannot start; fix these ")
                .append(problems.size()).append(" configuration problem(s) (keys can also be set as environment "
                        + "variables, e.g. boxoffice.node-id -> BOXOFFICE_NODE_ID):");
        for (int i = 0; i < problems.size(); i++) {
            message.append("\n  ").append(i + 1).append(". ").append(problems.get(i));
        }
        return message.toString();
    }
}
