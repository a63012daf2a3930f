package io.boxoffice.booking.testing;

import io.boxoffice.proto.v1.GetClusterStatusRequest;
import io.boxoffice.proto.v1.NodeStatus;

/** The node's replicated state as a whole, to prove that a refused request stored nothing. */
public final class NodeState {

    private NodeState() {
    }

    /** SHA-256 of the booking state and the Raft commit index, as the node reports them. */
    public static String fingerprint() {
        NodeStatus self = GrpcClients.cluster(GrpcClients.admin()).getClusterStatus(
                GetClusterStatusRequest.getDefaultInstance()).getNodes(0);
        return self.getStateHash() + "@" + self.getCommitIndex();
    }
}
