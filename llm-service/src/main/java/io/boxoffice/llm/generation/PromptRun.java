package io.boxoffice.llm.generation;

/**
 * A prompt on its way into the model: a long prompt runs in parts over several scheduler steps
 * (so it never stalls the sequences being decoded for long), and the backend keeps the keys and
 * values computed so far in {@link #partialState()}. Confined to the scheduler thread.
 */
public final class PromptRun {

    private final int[] tokens;
    private int done;
    private AutoCloseable partialState;

    public PromptRun(int[] tokens) {
        if (tokens.length == 0) {
            throw new IllegalArgumentException("a prompt needs at least one token");
        }
        this.tokens = tokens;
    }

    /** The whole prompt. */
    public int[] tokens() {
        return tokens;
    }

    /** Tokens already run through the model. */
    public int done() {
        return done;
    }

    public int remaining() {
        return tokens.length - done;
    }

    /** The next {@code count} tokens to run. */
    public int[] next(int count) {
        if (count < 1 || count > remaining()) {
            throw new IllegalArgumentException("cannot take " + count + " tokens; " + remaining() + " remain");
        }
        int[] part = new int[count];
        System.arraycopy(tokens, done, part, 0, count);
        return part;
    }

    /** Records that {@code count} more tokens ran; {@code state} is the backend's state for the rest (null when finished). */
    public void advance(int count, AutoCloseable state) {
        if (count < 1 || count > remaining()) {
            throw new IllegalArgumentException("cannot advance by " + count + " tokens; " + remaining() + " remain");
        }
        done += count;
        partialState = state;
    }

    /** The backend's keys and values of the tokens done, while the prompt is unfinished. */
    public AutoCloseable partialState() {
        return partialState;
    }
}
