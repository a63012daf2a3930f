package io.boxoffice.booking.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxoffice.booking.auth.Caller;
import io.boxoffice.booking.auth.KeyMaterial;
import io.boxoffice.booking.auth.Role;
import io.boxoffice.booking.auth.TokenService;
import io.boxoffice.booking.testing.TestKeys;
import io.boxoffice.proto.v1.AddMemberRequest;
import io.boxoffice.proto.v1.ClusterServiceGrpc;
import io.boxoffice.proto.v1.ClusterStatus;
import io.boxoffice.proto.v1.GetClusterStatusRequest;
import io.boxoffice.proto.v1.GetNodeStatusRequest;
import io.boxoffice.proto.v1.NodeStatus;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client against a real gRPC server on loopback that checks tokens the way the booking node does. */
class GrpcMembershipClientTest {

    @TempDir
    Path dir;

    private TokenService tokens;
    private Server server;
    private GrpcMembershipClient client;
    private final List<Caller> callers = new CopyOnWriteArrayList<>();
    private final List<String> members = new CopyOnWriteArrayList<>();
    /** What AddMember answers; null: add the member. */
    private volatile Status addMemberFailure;
    /** What GetNodeStatus answers, or fails with. */
    private volatile NodeStatus nodeStatus = NodeStatus.getDefaultInstance();
    private volatile Status nodeStatusFailure;
    private final List<GetNodeStatusRequest> nodeStatusRequests = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        Path[] keys = TestKeys.write(TestKeys.generate(), dir, "jwt");
        tokens = new TokenService(KeyMaterial.load(keys[0], keys[1]), "https://boxoffice.test", Duration.ofHours(1));
        ServerInterceptor checkToken = new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                               ServerCallHandler<Q, R> next) {
                String header = headers.get(GrpcMembershipClient.AUTHORIZATION);
                callers.add(tokens.verify(header.substring("Bearer ".length()), "test"));
                return next.startCall(call, headers);
            }
        };
        server = ServerBuilder.forPort(0).addService(ServerInterceptors.intercept(new FakeClusterService(), checkToken))
                .build().start();
        client = new GrpcMembershipClient(tokens, 5_000);
    }

    @AfterEach
    void stop() {
        client.close();
        server.shutdownNow();
    }

    private RegistrationTarget target() {
        return new RegistrationTarget("boxoffice-0", "localhost:" + server.getPort());
    }

    @Test
    void when_the_leader_adds_the_node_then_it_was_asked_with_a_short_lived_admin_token_it_minted_itself() {
        AddMemberOutcome outcome = client.addMember(target(), "boxoffice-3", "boxoffice-3.h:7070");

        assertThat(outcome).isEqualTo(AddMemberOutcome.ADDED);
        assertThat(members).containsExactly("boxoffice-3=boxoffice-3.h:7070");
        assertThat(callers).singleElement().satisfies(caller -> {
            assertThat(caller.role()).isEqualTo(Role.ADMIN);
            assertThat(caller.username()).isEqualTo("node:boxoffice-3");
        });
    }

    @Test
    void when_the_node_is_already_in_the_configuration_then_the_refusal_counts_as_registered() {
        members.add("boxoffice-3=boxoffice-3.h:7070");
        addMemberFailure = Status.FAILED_PRECONDITION.withDescription("member boxoffice-3 is already in the cluster");

        assertThat(client.addMember(target(), "boxoffice-3", "boxoffice-3.h:7070"))
                .isEqualTo(AddMemberOutcome.ALREADY_MEMBER);
    }

    @Test
    void when_another_membership_change_is_pending_then_it_retries() {
        addMemberFailure = Status.FAILED_PRECONDITION.withDescription("a membership change is already in progress");

        assertThat(client.addMember(target(), "boxoffice-3", "boxoffice-3.h:7070")).isEqualTo(AddMemberOutcome.RETRY);
    }

    @Test
    void when_the_member_is_in_an_election_or_down_then_it_retries_and_when_it_refuses_the_token_it_warns() {
        addMemberFailure = Status.UNAVAILABLE.withDescription("no leader yet (election in progress)");
        assertThat(client.addMember(target(), "boxoffice-3", "boxoffice-3.h:7070")).isEqualTo(AddMemberOutcome.RETRY);

        addMemberFailure = Status.UNAUTHENTICATED.withDescription("access token is invalid");
        assertThat(client.addMember(target(), "boxoffice-3", "boxoffice-3.h:7070"))
                .isEqualTo(AddMemberOutcome.MISCONFIGURED);

        // Take the address first: a terminated server no longer reports its port.
        RegistrationTarget stopped = target();
        server.shutdownNow();
        assertThat(client.addMember(stopped, "boxoffice-3", "boxoffice-3.h:7070")).isEqualTo(AddMemberOutcome.RETRY);
    }

    @Test
    void a_peer_volume_is_asked_for_without_the_state_hash_with_a_token_of_the_asking_pod() {
        nodeStatus = NodeStatus.newBuilder().setId("boxoffice-0").setTerm(0).build();
        assertThat(client.volumeOf(target(), "boxoffice-1")).isEqualTo(PeerVolume.EMPTY);

        nodeStatus = NodeStatus.newBuilder().setId("boxoffice-0").setTerm(4).setLastIndex(120).build();
        assertThat(client.volumeOf(target(), "boxoffice-1")).isEqualTo(PeerVolume.FORMED);

        assertThat(nodeStatusRequests).allSatisfy(request -> assertThat(request.getWithoutStateHash()).isTrue());
        assertThat(callers).allSatisfy(caller -> assertThat(caller.username()).isEqualTo("node:boxoffice-1"));
    }

    @Test
    void a_peer_that_is_starting_refuses_or_is_gone_is_unknown() {
        nodeStatusFailure = Status.UNAVAILABLE.withDescription("node boxoffice-0 is not running Raft yet");
        assertThat(client.volumeOf(target(), "boxoffice-1")).isEqualTo(PeerVolume.UNKNOWN);

        nodeStatusFailure = Status.UNAUTHENTICATED.withDescription("access token is invalid");
        assertThat(client.volumeOf(target(), "boxoffice-1")).isEqualTo(PeerVolume.UNKNOWN);

        RegistrationTarget stopped = target();
        server.shutdownNow();
        assertThat(client.volumeOf(stopped, "boxoffice-1")).isEqualTo(PeerVolume.UNKNOWN);
    }

    private final class FakeClusterService extends ClusterServiceGrpc.ClusterServiceImplBase {
        @Override
        public void getNodeStatus(GetNodeStatusRequest request, StreamObserver<NodeStatus> observer) {
            nodeStatusRequests.add(request);
            Status failure = nodeStatusFailure;
            if (failure != null) {
                observer.onError(failure.asRuntimeException());
                return;
            }
            observer.onNext(nodeStatus);
            observer.onCompleted();
        }

        @Override
        public void addMember(AddMemberRequest request, StreamObserver<ClusterStatus> observer) {
            Status failure = addMemberFailure;
            if (failure != null) {
                observer.onError(failure.asRuntimeException());
                return;
            }
            members.add(request.getNodeId() + "=" + request.getAddress());
            observer.onNext(status());
            observer.onCompleted();
        }

        @Override
        public void getClusterStatus(GetClusterStatusRequest request, StreamObserver<ClusterStatus> observer) {
            observer.onNext(status());
            observer.onCompleted();
        }

        private ClusterStatus status() {
            ClusterStatus.Builder status = ClusterStatus.newBuilder().setLeaderId("boxoffice-0");
            for (String member : members) {
                String[] parts = member.split("=");
                status.addNodes(NodeStatus.newBuilder().setId(parts[0]).setAddress(parts[1]));
            }
            return status.build();
        }
    }
}
