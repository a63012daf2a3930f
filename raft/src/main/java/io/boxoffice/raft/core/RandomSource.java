package io.boxoffice.raft.core;

/**
 * Randomness injected into the core, so a seeded source makes a whole cluster replayable.
 * Called only from the thread that drives the node.
 */
@FunctionalInterface
public interface RandomSource {
    /** A uniformly distributed int in {@code [0, bound)}; {@code bound > 0}. */
    int nextInt(int bound);
}
