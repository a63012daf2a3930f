package io.boxoffice.booking.discovery;

import io.boxoffice.booking.auth.Role;
import io.boxoffice.booking.auth.TokenService;
import io.boxoffice.proto.v1.AddMemberRequest;
import io.boxoffice.proto.v1.ClusterServiceGrpc;
import io.boxoffice.proto.v1.ClusterStatus;
import io.boxoffice.proto.v1.GetClusterStatusRequest;
import io.boxoffice.proto.v1.GetNodeStatusRequest;
import io.boxoffice.proto.v1.NodeStatus;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * {@link MembershipClient} over the public gRPC API. Each call carries a token this node mints with the
 * cluster's signing key (every member holds it), role admin, valid for {@link #TOKEN_LIFETIME} only: the
 * node needs no password and no long-lived credential. One plaintext channel per bootstrap member, the way
 * followers reach the leader.
 */
final class GrpcMembershipClient implements MembershipClient {

    private static final Logger LOG = Logger.getLogger(GrpcMembershipClient.class);
    /** Lifetime of the token one call carries; covers the call and a follower's forwarding. */
    static final Duration TOKEN_LIFETIME = Duration.ofSeconds(60);
    static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final TokenService tokens;
    private final long callTimeoutMillis;
    private final Map<String, ManagedChannel> channelsByEndpoint = new HashMap<>();

    GrpcMembershipClient(TokenService tokens, long callTimeoutMillis) {
        this.tokens = tokens;
        this.callTimeoutMillis = callTimeoutMillis;
    }

    @Override
    public AddMemberOutcome addMember(RegistrationTarget target, String nodeId, String peerAddress) {
        ClusterServiceGrpc.ClusterServiceBlockingStub stub = stub(target, nodeId);
        try {
            stub.addMember(AddMemberRequest.newBuilder().setNodeId(nodeId).setAddress(peerAddress).build());
            return AddMemberOutcome.ADDED;
        } catch (StatusRuntimeException e) {
            Status status = e.getStatus();
            if (status.getCode() == Status.Code.FAILED_PRECONDITION) {
                // Either "already a member" or "a membership change is pending": the configuration tells which.
                return listedWith(stub(target, nodeId), nodeId, peerAddress) ? AddMemberOutcome.ALREADY_MEMBER
                        : AddMemberOutcome.RETRY;
            }
            AddMemberOutcome outcome = AddMemberOutcome.ofFailure(status.getCode());
            if (outcome == AddMemberOutcome.MISCONFIGURED) {
                LOG.warnf("AddMember(%s) on %s at %s: %s %s", nodeId, target.memberId(), target.clientEndpoint(),
                        status.getCode(), status.getDescription());
            } else {
                LOG.debugf("AddMember(%s) on %s at %s: %s %s", nodeId, target.memberId(), target.clientEndpoint(),
                        status.getCode(), status.getDescription());
            }
            return outcome;
        }
    }

    @Override
    public PeerVolume volumeOf(RegistrationTarget target, String asNodeId) {
        try {
            NodeStatus status = stub(target, asNodeId).getNodeStatus(GetNodeStatusRequest.newBuilder()
                    .setWithoutStateHash(true).build());
            return PeerVolume.of(status);
        } catch (StatusRuntimeException e) {
            Status.Code code = e.getStatus().getCode();
            if (AddMemberOutcome.ofFailure(code) == AddMemberOutcome.MISCONFIGURED) {
                LOG.warnf("GetNodeStatus on %s at %s: %s %s", target.memberId(), target.clientEndpoint(), code,
                        e.getStatus().getDescription());
            } else {
                LOG.debugf("GetNodeStatus on %s at %s: %s %s", target.memberId(), target.clientEndpoint(), code,
                        e.getStatus().getDescription());
            }
            return PeerVolume.UNKNOWN;
        }
    }

    /** Whether the cluster's configuration (as the leader reports it) lists this node. */
    private boolean listedWith(ClusterServiceGrpc.ClusterServiceBlockingStub stub, String nodeId, String peerAddress) {
        try {
            ClusterStatus cluster = stub.getClusterStatus(GetClusterStatusRequest.getDefaultInstance());
            return cluster.getNodesList().stream().filter(node -> node.getId().equals(nodeId)).findFirst()
                    .map(node -> {
                        if (!node.getAddress().equals(peerAddress)) {
                            LOG.warnf("the cluster lists member %s at %s, but this node's peer address is %s; the "
                                    + "leader cannot reach it there: remove the member (RemoveMember) and let "
                                    + "it join again", nodeId, node.getAddress(), peerAddress);
                        }
                        return true;
                    }).orElse(false);
        } catch (StatusRuntimeException e) {
            return false;
        }
    }

    private ClusterServiceGrpc.ClusterServiceBlockingStub stub(RegistrationTarget target, String nodeId) {
        String token = tokens.issue("node:" + nodeId, "node:" + nodeId, List.of(Role.ADMIN), TOKEN_LIFETIME).token();
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + token);
        return ClusterServiceGrpc.newBlockingStub(channel(target.clientEndpoint()))
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                .withDeadlineAfter(callTimeoutMillis, TimeUnit.MILLISECONDS);
    }

    private synchronized ManagedChannel channel(String endpoint) {
        return channelsByEndpoint.computeIfAbsent(endpoint,
                target -> ManagedChannelBuilder.forTarget(target).usePlaintext().build());
    }

    @Override
    public synchronized void close() {
        channelsByEndpoint.values().forEach(ManagedChannel::shutdownNow);
        channelsByEndpoint.clear();
    }
}
