package io.boxoffice.booking.discovery;

/**
 * Talks to one member of the cluster: asks it to add this node as a learner, or what its volume holds.
 * Implementations never throw for an operating condition (member down, election, refused): they return the
 * outcome. Called from one thread at a time (the start-up thread, then the registration thread).
 */
interface MembershipClient extends AutoCloseable {

    /**
     * Calls {@code ClusterService/AddMember(nodeId, peerAddress)} on {@code target}'s client endpoint (a
     * follower forwards it to the leader). Blocks for at most the configured call timeout.
     */
    AddMemberOutcome addMember(RegistrationTarget target, String nodeId, String peerAddress);

    /**
     * Asks {@code target} what its volume holds ({@code ClusterService/GetNodeStatus} without the state hash,
     * answered by the member itself, even while it is still deciding its own identity). Blocks for at most
     * the configured call timeout; {@link PeerVolume#UNKNOWN} when it does not answer.
     *
     * @param asNodeId this node's pod name, the subject of the token the call carries
     */
    PeerVolume volumeOf(RegistrationTarget target, String asNodeId);

    /** Closes the channels; never throws. */
    @Override
    void close();
}
