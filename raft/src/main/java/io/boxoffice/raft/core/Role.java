package io.boxoffice.raft.core;

/** Raft roles (§5.1), plus the pre-vote phase (dissertation §9.6). */
public enum Role {
    FOLLOWER,
    PRE_CANDIDATE,
    CANDIDATE,
    LEADER
}
