package io.boxoffice.booking.discovery;

/**
 * Asks one member of the cluster to add this node as a learner. Implementations never throw for an
 * operating condition (member down, election, refused): they return the outcome. Called from the
 * registration thread only.
 */
interface MembershipClient extends AutoCloseable {

    /**
     * Calls {@code ClusterService/AddMember(nodeId, peerAddress)} on {@code target}'s client endpoint (a
     * follower forwards it to the leader). Blocks for at most the configured call timeout.
     */
    AddMemberOutcome addMember(RegistrationTarget target, String nodeId, String peerAddress);

    /** Closes the channels; never throws. */
    @Override
    void close();
}
