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
     * An operator replaces a member (etcd's "member replace"): RemoveMember of a follower, stop it, lose its
     * volume, start the pod again. Its node comes back as a new member ({@code <pod>~<generation>}), adds
     * itself as a learner and is promoted once caught up (from a snapshot when the log was compacted).
     */
    REPLACE_MEMBER,
    /**
     * A pod loses its volume with nobody's help: SIGKILL a random node, delete its data directory, start the
     * pod again with the same settings. Its node must come back as a new member, catch up, become a voter,
     * and the leader must then remove the pod's old member id.
     */
    LOST_VOLUME
}
