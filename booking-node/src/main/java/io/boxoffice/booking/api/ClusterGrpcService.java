package io.boxoffice.booking.api;

import io.boxoffice.booking.app.BookingQueries;
import io.boxoffice.booking.app.CommandGateway;
import io.boxoffice.booking.cluster.ClusterNode;
import io.boxoffice.booking.config.BoxofficeConfig;
import io.boxoffice.proto.v1.AddMemberRequest;
import io.boxoffice.proto.v1.ClusterServiceGrpc;
import io.boxoffice.proto.v1.ClusterStatus;
import io.boxoffice.proto.v1.GetNodeStatusRequest;
import io.boxoffice.proto.v1.GetClusterStatusRequest;
import io.boxoffice.proto.v1.NodeRole;
import io.boxoffice.proto.v1.NodeStatus;
import io.boxoffice.proto.v1.RemoveMemberRequest;
import io.boxoffice.proto.v1.TransferLeadershipRequest;
import io.boxoffice.proto.v1.TransferLeadershipResponse;
import io.boxoffice.raft.core.Member;
import io.boxoffice.raft.core.RaftStatus;
import io.boxoffice.raft.core.Role;
import io.boxoffice.raft.errors.NotLeaderException;
import io.boxoffice.raft.errors.ProposalRejectedException;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.boxoffice.raft.server.RaftServer;
import io.boxoffice.raft.server.ReadConsistency;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code boxoffice.v1.ClusterService} (admin only): the members' Raft status as the leader sees it,
 * leadership transfer and membership changes. Answered by the leader (requests are forwarded to it);
 * during an election a node answers with its own view.
 */
@GrpcService
public class ClusterGrpcService extends ClusterServiceGrpc.ClusterServiceImplBase {

    @Inject
    Calls calls;
    @Inject
    RequestValidator validator;
    @Inject
    ClusterNode node;
    @Inject
    CommandGateway gateway;
    @Inject
    BookingQueries queries;
    @Inject
    Forwarder forwarder;

    /** How long the leader waits for each member's own status. */
    static final long MEMBER_STATUS_DEADLINE_MILLIS = 1_000;
    /** Time left for a TransferLeadership answer to reach the caller before its deadline. */
    static final long TRANSFER_ANSWER_MARGIN_MILLIS = 100;

    @Inject
    BoxofficeConfig config;

    /** The transfer this leader runs, which a repeated request joins. */
    private final LeadershipTransfers transfers = new LeadershipTransfers();

    @Override
    public void getClusterStatus(GetClusterStatusRequest request, StreamObserver<ClusterStatus> observer) {
        Forwarder.Route route = Forwarder.route();
        calls.unary(request, observer, () -> clusterStatus(route, true));
    }

    @Override
    public void getNodeStatus(GetNodeStatusRequest request, StreamObserver<NodeStatus> observer) {
        calls.unary(request, observer, () -> request.getWithoutStateHash()
                ? CompletableFuture.completedFuture(ownStatusWithoutHash()) : ownStatus());
    }

    /**
     * This node's Raft status as last published by the driver, without the state hash (so without work on
     * the driver thread). A node still deciding its member identity on an empty volume answers with its pod
     * name, term 0 and an empty log: a bootstrap peer asking learns the volume holds nothing yet.
     */
    private NodeStatus ownStatusWithoutHash() {
        Optional<RaftStatus> running = node.status();
        if (running.isEmpty()) {
            if (node.identityPending()) {
                return NodeStatus.newBuilder().setId(node.nodeId()).setRole(NodeRole.NODE_ROLE_UNSPECIFIED)
                        .setTerm(0).setLastIndex(0).setSnapshotIndex(0).build();
            }
            throw new ClusterNode.NodeUnavailableException("node " + node.nodeId() + " is not running Raft yet");
        }
        RaftStatus status = running.get();
        boolean voter = status.configuration().isVoter(status.id());
        return NodeStatus.newBuilder().setId(status.id())
                .setAddress(status.configuration().member(status.id()).map(Member::address).orElse(""))
                .setRole(roleOf(status.role(), voter)).setTerm(status.term())
                .setLeaderId(status.leaderId() == null ? "" : status.leaderId())
                .setCommitIndex(status.commitIndex()).setAppliedIndex(status.appliedIndex()).setVoter(voter)
                .setLastIndex(status.lastIndex()).setSnapshotIndex(status.snapshotIndex()).build();
    }

    /** This node as it sees itself: Raft status and the state hash at its applied index (read on the driver). */
    private CompletableFuture<NodeStatus> ownStatus() {
        return gateway.read(() -> {
            RaftStatus status = node.status().orElseThrow(() -> new ClusterNode.NodeUnavailableException(
                    "node " + node.nodeId() + " is not running Raft yet"));
            BookingQueries.StateHash hash = queries.stateHash();
            boolean voter = status.configuration().isVoter(status.id());
            return NodeStatus.newBuilder().setId(status.id())
                    .setAddress(status.configuration().member(status.id()).map(Member::address).orElse(""))
                    .setRole(roleOf(status.role(), voter)).setTerm(status.term())
                    .setLeaderId(status.leaderId() == null ? "" : status.leaderId())
                    .setCommitIndex(status.commitIndex()).setAppliedIndex(hash.appliedIndex())
                    .setVoter(voter).setLastIndex(status.lastIndex()).setSnapshotIndex(status.snapshotIndex())
                    .setStateHash(hash.hash()).build();
        }, ReadConsistency.STALE);
    }

    /**
     * The leader's view of the cluster with each member's own status. With {@code fromLeader}, a follower
     * that knows the leader has the request forwarded there.
     */
    private CompletableFuture<ClusterStatus> clusterStatus(Forwarder.Route route, boolean fromLeader) {
        RaftStatus status = node.status().orElseThrow(() -> new ClusterNode.NodeUnavailableException(
                "node " + node.nodeId() + " is not running Raft yet"));
        if (fromLeader && status.role() != Role.LEADER && status.leaderId() != null) {
            throw new NotLeaderException(node.nodeId(), status.leaderId());
        }
        Map<String, CompletableFuture<NodeStatus>> asked = new LinkedHashMap<>();
        for (Member member : status.configuration().members()) {
            asked.put(member.id(), member.id().equals(status.id()) ? ownStatus()
                    : forwarder.ask(route, member.id(), ClusterServiceGrpc.getGetNodeStatusMethod(),
                            GetNodeStatusRequest.getDefaultInstance(), MEMBER_STATUS_DEADLINE_MILLIS));
        }
        return CompletableFuture.allOf(asked.values().stream().map(future -> future.exceptionally(error -> null))
                        .toArray(CompletableFuture[]::new))
                .thenApply(done -> describe(status, asked));
    }

    private ClusterStatus describe(RaftStatus status, Map<String, CompletableFuture<NodeStatus>> asked) {
        ClusterStatus.Builder cluster = ClusterStatus.newBuilder().setClusterId(node.clusterId())
                .setLeaderId(status.leaderId() == null ? "" : status.leaderId()).setTerm(status.term())
                .setReportingNodeId(node.nodeId());
        for (Member member : status.configuration().members()) {
            NodeStatus.Builder entry = NodeStatus.newBuilder().setId(member.id()).setAddress(member.address())
                    .setVoter(member.voter());
            CompletableFuture<NodeStatus> answer = asked.get(member.id());
            NodeStatus own = answer.isCompletedExceptionally() ? null : answer.join();
            if (own != null) {
                entry.setRole(own.getRole()).setTerm(own.getTerm()).setLeaderId(own.getLeaderId())
                        .setCommitIndex(own.getCommitIndex()).setAppliedIndex(own.getAppliedIndex())
                        .setLastIndex(own.getLastIndex()).setSnapshotIndex(own.getSnapshotIndex())
                        .setStateHash(own.getStateHash());
            } else {
                entry.setRole(NodeRole.NODE_ROLE_UNREACHABLE).setError(describe(answer));
            }
            if (member.id().equals(status.id())) {
                entry.setMatchIndex(status.lastIndex());
            } else {
                status.peers().stream().filter(peer -> peer.id().equals(member.id())).findFirst().ifPresent(peer -> {
                    entry.setMatchIndex(peer.matchIndex()).setLag(Math.max(0, status.lastIndex() - peer.matchIndex()));
                    if (own == null && peer.recentlyActive()) {
                        // The leader hears from it, its client port did not answer: say what Raft knows.
                        entry.setRole(member.voter() ? NodeRole.NODE_ROLE_FOLLOWER : NodeRole.NODE_ROLE_LEARNER);
                    }
                });
            }
            cluster.addNodes(entry);
        }
        return cluster.build();
    }

    private static String describe(CompletableFuture<NodeStatus> failed) {
        try {
            failed.join();
            return "";
        } catch (java.util.concurrent.CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return io.boxoffice.booking.domain.FieldLimits.echo(cause.getMessage() == null ? cause.toString()
                    : cause.getMessage());
        }
    }

    private static NodeRole roleOf(Role role, boolean voter) {
        if (!voter) {
            return NodeRole.NODE_ROLE_LEARNER;
        }
        return switch (role) {
            case LEADER -> NodeRole.NODE_ROLE_LEADER;
            case FOLLOWER -> NodeRole.NODE_ROLE_FOLLOWER;
            case CANDIDATE -> NodeRole.NODE_ROLE_CANDIDATE;
            case PRE_CANDIDATE -> NodeRole.NODE_ROLE_PRE_CANDIDATE;
        };
    }

    @Override
    public void transferLeadership(TransferLeadershipRequest request,
                                   StreamObserver<TransferLeadershipResponse> observer) {
        Deadline deadline = Context.current().getDeadline();
        calls.unary(request, observer, () -> {
            validator.transferLeadership(request);
            RaftServer<?> server = server();
            RaftStatus status = server.status();
            if (status.role() != Role.LEADER) {
                throw new NotLeaderException(node.nodeId(), status.leaderId());
            }
            String target = request.getTargetNodeId().isEmpty() ? null : request.getTargetNodeId();
            TransferLeadershipResponse.Builder answer = TransferLeadershipResponse.newBuilder()
                    .setPreviousLeaderId(node.nodeId());
            if (node.nodeId().equals(target)) {
                return CompletableFuture.completedFuture(answer.setNewLeaderId(node.nodeId()).build());
            }
            long waitMillis = transferWaitMillis(deadline);
            return transfers.start(server, target).copy().orTimeout(waitMillis, TimeUnit.MILLISECONDS)
                    .handleAsync((done, failure) -> {
                        if (failure == null) {
                            return answer.setNewLeaderId(Objects.toString(server.status().leaderId(), "")).build();
                        }
                        throw transferFailure(GrpcErrors.unwrap(failure), target, waitMillis, server);
                    }, gateway.completions());
        });
    }

    /**
     * How long this call waits for the transfer: until shortly before the caller's deadline, so that it gets an
     * answer rather than a deadline of its own, and never longer than the transfer itself may take.
     */
    private long transferWaitMillis(Deadline deadline) {
        long transferMillis = config.raft().transferTimeoutMillis() + TRANSFER_ANSWER_MARGIN_MILLIS;
        if (deadline == null) {
            return transferMillis;
        }
        return Math.max(1, Math.min(transferMillis,
                deadline.timeRemaining(TimeUnit.MILLISECONDS) - TRANSFER_ANSWER_MARGIN_MILLIS));
    }

    private RuntimeException transferFailure(Throwable cause, String target, long waitedMillis, RaftServer<?> server) {
        String to = target == null ? "the most caught-up voter" : target;
        if (cause instanceof TimeoutException && transfers.inProgress()) {
            // Our wait ended (the caller's deadline), the transfer goes on: asking again joins it.
            return Status.DEADLINE_EXCEEDED.withDescription("the leadership transfer to " + to + " is still under way "
                    + "after " + waitedMillis + " ms (the call's deadline); it ends within "
                    + config.raft().transferTimeoutMillis() + " ms (boxoffice.raft.transfer-timeout-millis): ask again "
                    + "to wait for it, or see GetClusterStatus").asRuntimeException();
        }
        if (cause instanceof TimeoutException) {
            return Status.FAILED_PRECONDITION.withDescription("the leadership transfer to " + to + " did not finish "
                    + "within " + config.raft().transferTimeoutMillis() + " ms (boxoffice.raft.transfer-timeout-millis); "
                    + Objects.toString(server.status().leaderId(), "no member") + " leads: check that the target is "
                    + "caught up (GetClusterStatus lag) and try again").asRuntimeException();
        }
        if (cause instanceof ProposalRejectedException rejected) {
            return Status.FAILED_PRECONDITION.withDescription(rejected.getMessage()).asRuntimeException();
        }
        return cause instanceof RuntimeException runtime ? runtime : new java.util.concurrent.CompletionException(cause);
    }

    @Override
    public void addMember(AddMemberRequest request, StreamObserver<ClusterStatus> observer) {
        Forwarder.Route route = Forwarder.route();
        calls.unary(request, observer, () -> {
            validator.addMember(request);
            return refusedAsPrecondition(server().addLearner(request.getNodeId(), request.getAddress()))
                    .thenComposeAsync(done -> clusterStatus(route, false), gateway.completions());
        });
    }

    @Override
    public void removeMember(RemoveMemberRequest request, StreamObserver<ClusterStatus> observer) {
        Forwarder.Route route = Forwarder.route();
        calls.unary(request, observer, () -> {
            validator.removeMember(request);
            return refusedAsPrecondition(server().removeMember(request.getNodeId()))
                    .thenComposeAsync(done -> clusterStatus(route, false), gateway.completions());
        });
    }

    /**
     * The leader refusing a membership change or transfer (no other voter, a change already pending, not a
     * member) is a precondition the operator must fix, not a transient outage.
     */
    private static <T> CompletableFuture<T> refusedAsPrecondition(CompletableFuture<T> future) {
        return future.handle((value, failure) -> {
            Throwable cause = failure == null ? null : GrpcErrors.unwrap(failure);
            if (cause instanceof ProposalRejectedException rejected) {
                throw Status.FAILED_PRECONDITION.withDescription(rejected.getMessage()).asRuntimeException();
            }
            if (failure != null) {
                throw failure instanceof java.util.concurrent.CompletionException c ? c
                        : new java.util.concurrent.CompletionException(failure);
            }
            return value;
        });
    }

    private RaftServer<?> server() {
        return node.server().orElseThrow(() -> new ClusterNode.NodeUnavailableException(
                "node " + node.nodeId() + " is not running Raft yet"));
    }
}
