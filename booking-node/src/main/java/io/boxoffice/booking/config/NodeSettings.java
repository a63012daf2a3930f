package io.boxoffice.booking.config;

import java.nio.file.Path;
import java.util.List;

/**
 * The configuration after validation, with derived values resolved: the bootstrap members, this
 * node's peer address and the cluster credential read from its file.
 *
 * @param bootstrapMembers     members of a brand-new cluster; empty when the node joins an existing one
 * @param selfPeerAddress      {@code host:port} other members use to reach this node
 * @param peerToken            the cluster credential
 * @param clientEndpoints      configured client gRPC endpoints of members, for forwarding to the leader
 * @param peerTokenGenerated   {@code true} when no credential was configured and this one-node cluster
 *                             made up a random one (no other node could join anyway)
 */
public record NodeSettings(String nodeId, String clusterId, List<PeerSpec> bootstrapMembers, String selfPeerAddress,
                           String peerToken, boolean peerTokenGenerated, Path dataDir, Path privateKeyFile,
                           Path publicKeyFile, List<PeerSpec> clientEndpoints) {
    public NodeSettings {
        bootstrapMembers = List.copyOf(bootstrapMembers);
        clientEndpoints = List.copyOf(clientEndpoints);
    }
}
