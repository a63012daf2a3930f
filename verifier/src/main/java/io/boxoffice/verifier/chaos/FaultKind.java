package io.boxoffice.verifier.chaos;

/** The faults the nemesis injects. Each heals itself at the end of its duration. */
public enum FaultKind {
    /** SIGKILL a random node; restart it after the duration (same id, same data). */
    KILL,
    /** SIGKILL the leader; restart it after the duration. */
    KILL_LEADER,
    /** SIGKILL every node at once; restart them all (durability of the fsynced log). */
    KILL_ALL,
    /** SIGSTOP a random node for the duration, then SIGCONT (a long GC pause). */
    PAUSE,
    /** SIGSTOP the leader for the duration. */
    PAUSE_LEADER,
    /** Cut the leader off from every other node. */
    ISOLATE_LEADER,
    /** Split the members into a random minority and majority. */
    PARTITION_HALVES,
    /** Non-transitive: two groups that cannot talk, and one node that talks to both. */
    PARTITION_BRIDGE,
    /** Ask the leader to hand leadership to a random follower. */
    TRANSFER_LEADERSHIP,
    /**
     * Remove a follower from the configuration, stop it, lose its volume, and add it back as a new member
     * (new id, empty data, learner until caught up).
     */
    REPLACE_MEMBER
}
