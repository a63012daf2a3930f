package io.boxoffice.raft.core.message;

/**
 * RequestVote RPC (§5.2), also used for pre-vote (dissertation §9.6), where {@code term} is the
 * term the candidate would campaign in and nobody changes state on receipt.
 *
 * @param leadershipTransfer set when the election was started by TimeoutNow (§3.10): voters then
 *                           ignore their leader lease, since the leader itself asked for it
 */
public record RequestVote(long term, String from, String to, long lastLogIndex, long lastLogTerm,
                          boolean preVote, boolean leadershipTransfer) implements Message {
}
