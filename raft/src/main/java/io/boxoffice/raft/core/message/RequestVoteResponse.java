package io.boxoffice.raft.core.message;

/** Reply to {@link RequestVote}. For a pre-vote, {@code term} echoes the proposed term when granted. */
public record RequestVoteResponse(long term, String from, String to, boolean granted, boolean preVote)
        implements Message {
}
