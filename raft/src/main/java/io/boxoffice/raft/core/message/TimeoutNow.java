package io.boxoffice.raft.core.message;

/** Leadership transfer (dissertation §3.10): start an election now, skipping pre-vote. */
public record TimeoutNow(long term, String from, String to) implements Message {
}
