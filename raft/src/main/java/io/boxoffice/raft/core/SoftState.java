package io.boxoffice.raft.core;

/** Volatile facts about a node that change often and need no persistence. */
public record SoftState(Role role, long term, String leaderId) {
}
