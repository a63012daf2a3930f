package io.boxoffice.raft.core;

/** Where a proposal was appended: it is committed iff the entry at {@code index} ends up with {@code term}. */
public record Proposal(long index, long term) {
}
