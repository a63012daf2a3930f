package io.boxoffice.booking.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.boxoffice.booking.auth.AuthInterceptor;
import io.boxoffice.booking.cluster.ClusterNode;
import io.boxoffice.booking.testing.TestConfigs;
import io.boxoffice.proto.v1.AuthServiceGrpc;
import io.boxoffice.proto.v1.LoginRequest;
import io.boxoffice.proto.v1.LoginResponse;
import io.boxoffice.raft.errors.NotLeaderException;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A follower forwards a request to the leader's client endpoint as the client sent it. */
class ForwarderTest {

    private Server leader;
    private final AtomicReference<Metadata> received = new AtomicReference<>();
    private Forwarder forwarder;

    @BeforeEach
    void startLeader() throws Exception {
        ServerInterceptor capture = new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                               ServerCallHandler<Q, R> next) {
                received.set(headers);
                return next.startCall(call, headers);
            }
        };
        leader = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(ServerInterceptors.intercept(new AuthServiceGrpc.AuthServiceImplBase() {
                    @Override
                    public void login(LoginRequest request, StreamObserver<LoginResponse> responses) {
                        if (request.getUsername().equals("nobody")) {
                            responses.onError(Status.UNAUTHENTICATED.withDescription("wrong username or password")
                                    .asRuntimeException());
                            return;
                        }
                        responses.onNext(LoginResponse.newBuilder().setUsername(request.getUsername())
                                .setToken("from-leader").build());
                        responses.onCompleted();
                    }
                }, capture)).build().start();
        forwarder = new Forwarder();
        forwarder.config = TestConfigs.config(Map.of());
        forwarder.node = new ClusterNode() {
            @Override
            public Optional<String> clientEndpointOf(String memberId) {
                return memberId.equals("node-1") ? Optional.of("127.0.0.1:" + leader.getPort()) : Optional.empty();
            }

            @Override
            public String nodeId() {
                return "node-2";
            }
        };
    }

    @AfterEach
    void stop() {
        forwarder.close();
        leader.shutdownNow();
    }

    @Test
    void when_the_leader_is_known_then_the_request_goes_there_with_the_token_and_the_forwarding_mark() {
        Forwarder.Route route = new Forwarder.Route(AuthServiceGrpc.getLoginMethod(), "Bearer abc", true);

        LoginResponse response = forwarder.<LoginRequest, LoginResponse>forward(route, "node-1",
                LoginRequest.newBuilder().setUsername("user1").setPassword("p").build(),
                new NotLeaderException("node-2", "node-1")).join();

        assertThat(response.getToken()).isEqualTo("from-leader");
        assertThat(received.get().get(AuthInterceptor.AUTHORIZATION)).isEqualTo("Bearer abc");
        assertThat(received.get().get(AuthInterceptor.FORWARDED_BY)).isEqualTo("node-2");
    }

    @Test
    void when_the_leader_answers_an_error_then_the_client_gets_that_status() {
        Forwarder.Route route = new Forwarder.Route(AuthServiceGrpc.getLoginMethod(), null, true);

        assertThatThrownBy(() -> forwarder.forward(route, "node-1", LoginRequest.newBuilder().setUsername("nobody")
                .build(), new NotLeaderException("node-2", "node-1")).join())
                .isInstanceOf(CompletionException.class).cause().isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getDescription()).isEqualTo("wrong username or password"));
    }

    @Test
    void when_the_connection_to_the_leader_breaks_before_it_answers_then_the_client_gets_unavailable_to_retry() {
        Status closed = Forwarder.clientStatusOf(Status.UNKNOWN.withDescription("channel closed"), "node-1");
        Status reset = Forwarder.clientStatusOf(Status.INTERNAL.withDescription(
                "RST_STREAM closed stream. HTTP/2 error code: INTERNAL_ERROR"), "node-1");

        assertThat(closed.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(closed.getDescription()).contains("node-1", "channel closed", "same idempotency key");
        assertThat(reset.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    }

    @Test
    void when_the_leader_itself_answers_unknown_or_internal_then_that_answer_stands() {
        Status failed = Status.UNKNOWN.withDescription("apply failed");
        Status internal = Status.INTERNAL.withDescription("state machine error");
        Status taken = Status.FAILED_PRECONDITION.withDescription("seats taken");

        assertThat(Forwarder.clientStatusOf(failed, "node-1")).isSameAs(failed);
        assertThat(Forwarder.clientStatusOf(internal, "node-1")).isSameAs(internal);
        assertThat(Forwarder.clientStatusOf(taken, "node-1")).isSameAs(taken);
    }

    @Test
    void when_the_leaders_endpoint_is_unknown_then_the_not_leader_condition_stands() {
        NotLeaderException cause = new NotLeaderException("node-2", "node-9");
        Forwarder.Route route = new Forwarder.Route(AuthServiceGrpc.getLoginMethod(), null, true);

        assertThatThrownBy(() -> forwarder.forward(route, "node-9", LoginRequest.getDefaultInstance(), cause).join())
                .hasCause(cause);
    }
}
