package io.boxoffice.llm.generation;

import java.util.List;

/**
 * Finds stop sequences in streamed text. Text that could still be the start of a stop sequence is
 * held back, so a stop sequence is never half-emitted, even when it spans several tokens.
 * Not thread-safe.
 */
public final class StopSequenceMatcher {

    private final List<String> stops;
    private final StringBuilder pending = new StringBuilder();
    private boolean stopped;

    public StopSequenceMatcher(List<String> stops) {
        for (String stop : stops) {
            if (stop.isEmpty()) {
                throw new IllegalArgumentException("a stop sequence must not be empty");
            }
        }
        this.stops = List.copyOf(stops);
    }

    /** Adds text and returns what can be emitted now; after a stop sequence, returns only the text before it. */
    public String append(String text) {
        if (stopped) {
            return "";
        }
        pending.append(text);
        int earliest = -1;
        for (String stop : stops) {
            int at = pending.indexOf(stop);
            if (at >= 0 && (earliest < 0 || at < earliest)) {
                earliest = at;
            }
        }
        if (earliest >= 0) {
            stopped = true;
            String before = pending.substring(0, earliest);
            pending.setLength(0);
            return before;
        }
        int keep = longestSuffixThatStartsAStop();
        String emit = pending.substring(0, pending.length() - keep);
        pending.delete(0, pending.length() - keep);
        return emit;
    }

    /** The held-back text, at the end of generation (empty after a stop). */
    public String flush() {
        String rest = pending.toString();
        pending.setLength(0);
        return rest;
    }

    public boolean stopped() {
        return stopped;
    }

    private int longestSuffixThatStartsAStop() {
        int best = 0;
        String text = pending.toString();
        for (String stop : stops) {
            for (int k = Math.min(stop.length() - 1, pending.length()); k > best; k--) {
                if (text.regionMatches(text.length() - k, stop, 0, k)) {
                    best = k;
                    break;
                }
            }
        }
        return best;
    }
}
