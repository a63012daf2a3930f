package io.boxoffice.booking.api;

import static io.boxoffice.booking.testing.GrpcClients.fails;
import static org.assertj.core.api.Assertions.assertThat;

import io.boxoffice.booking.testing.GrpcClients;
import io.boxoffice.booking.testing.NodeState;
import io.boxoffice.booking.testing.NodeTest;
import io.boxoffice.proto.v1.AddMemberRequest;
import io.boxoffice.proto.v1.ClusterServiceGrpc;
import io.boxoffice.proto.v1.ClusterStatus;
import io.boxoffice.proto.v1.GetClusterStatusRequest;
import io.boxoffice.proto.v1.NodeRole;
import io.boxoffice.proto.v1.RemoveMemberRequest;
import io.boxoffice.proto.v1.TransferLeadershipRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@NodeTest
class ClusterApiTest {

    static ClusterServiceGrpc.ClusterServiceBlockingStub cluster;

    @BeforeAll
    static void setUp() {
        io.boxoffice.booking.testing.DemoDataReady.await();
        cluster = GrpcClients.cluster(GrpcClients.admin());
    }

    @Test
    void status_reports_the_single_leader_with_its_indexes_and_state_hash() {
        ClusterStatus status = cluster.getClusterStatus(GetClusterStatusRequest.getDefaultInstance());

        assertThat(status.getClusterId()).isEqualTo("boxoffice");
        assertThat(status.getLeaderId()).isEqualTo("node-1");
        assertThat(status.getReportingNodeId()).isEqualTo("node-1");
        assertThat(status.getNodesList()).hasSize(1);
        var self = status.getNodes(0);
        assertThat(self.getRole()).isEqualTo(NodeRole.NODE_ROLE_LEADER);
        assertThat(self.getVoter()).isTrue();
        assertThat(self.getTerm()).isPositive();
        assertThat(self.getAppliedIndex()).isPositive().isLessThanOrEqualTo(self.getCommitIndex());
        assertThat(self.getStateHash()).hasSize(64);
    }

    @Test
    void transfer_leadership_without_another_voter_is_a_failed_precondition() {
        StatusRuntimeException error = fails(Status.Code.FAILED_PRECONDITION,
                () -> cluster.transferLeadership(TransferLeadershipRequest.getDefaultInstance()));

        assertThat(error.getStatus().getDescription()).isEqualTo("no other voter to hand leadership to");
        fails(Status.Code.INVALID_ARGUMENT, () -> cluster.transferLeadership(TransferLeadershipRequest.newBuilder()
                .setTargetNodeId("Node 2").build()));
        StatusRuntimeException notVoter = fails(Status.Code.FAILED_PRECONDITION, () -> cluster.transferLeadership(
                TransferLeadershipRequest.newBuilder().setTargetNodeId("node-9").build()));
        assertThat(notVoter.getStatus().getDescription()).contains("node-9", "not a voting member");
    }

    @Test
    void transfer_leadership_to_the_leader_itself_answers_at_once_within_a_short_deadline() {
        long start = System.nanoTime();

        var answer = GrpcClients.as(ClusterServiceGrpc.newBlockingStub(GrpcClients.channel()), GrpcClients.admin())
                .withDeadlineAfter(500, java.util.concurrent.TimeUnit.MILLISECONDS)
                .transferLeadership(TransferLeadershipRequest.newBuilder().setTargetNodeId("node-1").build());

        assertThat(answer.getPreviousLeaderId()).isEqualTo("node-1");
        assertThat(answer.getNewLeaderId()).isEqualTo("node-1");
        assertThat(java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(500);
    }

    @Test
    void add_member_joins_a_learner_and_remove_member_takes_it_out() {
        ClusterStatus added = cluster.addMember(AddMemberRequest.newBuilder().setNodeId("node-5")
                .setAddress("localhost:1").build());

        assertThat(added.getNodesList()).extracting(n -> n.getId()).containsExactly("node-1", "node-5");
        var learner = added.getNodesList().stream().filter(n -> n.getId().equals("node-5")).findFirst().orElseThrow();
        assertThat(learner.getVoter()).isFalse();
        assertThat(learner.getAddress()).isEqualTo("localhost:1");

        ClusterStatus removed = cluster.removeMember(RemoveMemberRequest.newBuilder().setNodeId("node-5").build());

        assertThat(removed.getNodesList()).extracting(n -> n.getId()).containsExactly("node-1");
    }

    @Test
    void membership_changes_with_bad_input_are_invalid_argument_and_change_nothing() {
        String before = NodeState.fingerprint();

        StatusRuntimeException add = fails(Status.Code.INVALID_ARGUMENT, () -> cluster.addMember(AddMemberRequest
                .newBuilder().setNodeId("").setAddress("10.0.0.1").build()));
        StatusRuntimeException remove = fails(Status.Code.INVALID_ARGUMENT,
                () -> cluster.removeMember(RemoveMemberRequest.getDefaultInstance()));

        assertThat(add.getStatus().getDescription()).isEqualTo("node_id: is required; address: '10.0.0.1' is not "
                + "host:port with a host name or address and a port 1..65535 (the node's peer endpoint, a DNS name in "
                + "Kubernetes)");
        assertThat(remove.getStatus().getDescription()).isEqualTo("node_id: is required");
        assertThat(NodeState.fingerprint()).isEqualTo(before);
        assertThat(cluster.getClusterStatus(GetClusterStatusRequest.getDefaultInstance()).getNodesList()).hasSize(1);
    }
}
