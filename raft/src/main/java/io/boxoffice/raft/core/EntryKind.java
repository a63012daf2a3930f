package io.boxoffice.raft.core;

/** What a log entry carries. */
public enum EntryKind {
    /** An application command, handed to the state machine when committed. */
    COMMAND,
    /** Appended by every new leader so that it can commit entries of earlier terms (§5.4.2, §8). */
    NOOP,
    /** A membership configuration; takes effect as soon as it is appended (dissertation §4.1). */
    CONFIG
}
