package io.boxoffice.raft.core.message;

/**
 * A message between Raft peers. Every message carries the sender's current term (§5.1: a node
 * that sees a higher term steps down; a stale term is rejected). Messages may be lost,
 * duplicated or reordered by the network; the core tolerates all three.
 */
public sealed interface Message
        permits RequestVote, RequestVoteResponse, AppendEntries, AppendEntriesResponse,
                InstallSnapshot, InstallSnapshotResponse, TimeoutNow {

    long term();

    String from();

    String to();
}
