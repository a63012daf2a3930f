package io.boxoffice.raft.core;

/**
 * Failures of the core's invariants, which stay checked in production (unlike {@code assert}, which every
 * launcher runs without {@code -ea}). A violated invariant is a bug, never an operating condition: the
 * exception stops the node (TigerBeetle: assertions crash, errors are handled). Callers test the condition
 * themselves, so the message is only built when it is needed: {@code if (!ok) throw Invariants.violated(..)}.
 */
final class Invariants {

    private Invariants() {
    }

    static IllegalStateException violated(String message) {
        return new IllegalStateException("invariant violated: " + message);
    }
}
