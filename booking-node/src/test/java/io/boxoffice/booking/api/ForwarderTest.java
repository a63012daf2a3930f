package io.boxoffice.booking.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

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
import io.boxoffice.raft.core.Configuration;
import io.boxoffice.raft.core.RaftStatus;
import io.boxoffice.raft.core.Role;
import io.grpc.Deadline;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
                        if (request.getUsername().equals("silent")) {
                            return; // Never answers: the caller's deadline ends the call.
                        }
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
        forwarder.node = nodeKnowing(Map.of("node-1", "127.0.0.1:" + leader.getPort()), null);
    }

    /** This node, node-2: it knows the members' client endpoints, and {@code leaderNow} as the leader (or none). */
    private static ClusterNode nodeKnowing(Map<String, String> endpoints, String leaderNow) {
        return new ClusterNode() {
            @Override
            public Optional<String> clientEndpointOf(String memberId) {
                return Optional.ofNullable(endpoints.get(memberId));
            }

            @Override
            public String nodeId() {
                return "node-2";
            }

            @Override
            public Optional<RaftStatus> status() {
                return leaderNow == null ? Optional.empty() : Optional.of(new RaftStatus("node-2", Role.FOLLOWER, 3,
                        leaderNow, 0, 0, 0, 0, 0, Configuration.EMPTY, List.of(), null));
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
        Forwarder.Route route = new Forwarder.Route(AuthServiceGrpc.getLoginMethod(), "Bearer abc", true, null);

        LoginResponse response = forwarder.<LoginRequest, LoginResponse>forward(route, "node-1",
                LoginRequest.newBuilder().setUsername("user1").setPassword("p").build(),
                new NotLeaderException("node-2", "node-1")).join();

        assertThat(response.getToken()).isEqualTo("from-leader");
        assertThat(received.get().get(AuthInterceptor.AUTHORIZATION)).isEqualTo("Bearer abc");
        assertThat(received.get().get(AuthInterceptor.FORWARDED_BY)).isEqualTo("node-2");
    }

    @Test
    void when_the_leader_answers_an_error_then_the_client_gets_that_status() {
        Forwarder.Route route = new Forwarder.Route(AuthServiceGrpc.getLoginMethod(), null, true, null);

        assertThatThrownBy(() -> forwarder.forward(route, "node-1", LoginRequest.newBuilder().setUsername("nobody")
                .build(), new NotLeaderException("node-2", "node-1")).join())
                .isInstanceOf(CompletionException.class).cause().isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getDescription()).isEqualTo("wrong username or password"));
    }

    @Test
    void when_the_connection_to_the_leader_breaks_before_it_answers_then_the_client_gets_unavailable_to_retry() {
        StatusRuntimeException closed = Forwarder.clientFailureOf(Status.UNKNOWN.withDescription("channel closed")
                .asRuntimeException(), "node-1", Optional.of("node-3"));
        StatusRuntimeException reset = Forwarder.clientFailureOf(Status.INTERNAL.withDescription(
                "RST_STREAM closed stream. HTTP/2 error code: INTERNAL_ERROR").asRuntimeException(), "node-1",
                Optional.empty());

        assertThat(closed.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(closed.getStatus().getDescription()).contains("node-1", "channel closed", "same idempotency key");
        assertThat(closed.getTrailers().get(GrpcErrors.LEADER_HINT)).isEqualTo("node-3");
        assertThat(closed.getTrailers().get(GrpcErrors.RETRY_AFTER_MILLIS)).isEqualTo("100");
        assertThat(reset.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(reset.getTrailers().containsKey(GrpcErrors.LEADER_HINT)).as("no leader known now").isFalse();
    }

    @Test
    void when_the_leader_process_dies_mid_call_then_the_client_gets_unavailable_with_a_leader_hint() throws Exception {
        try (ServerSocket dying = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            forwarder.node = nodeKnowing(Map.of("node-1", "127.0.0.1:" + dying.getLocalPort()), "node-3");
            Forwarder.Route route = new Forwarder.Route(AuthServiceGrpc.getLoginMethod(), null, true, null);
            Thread leader = Thread.ofPlatform().start(() -> {
                // Reads the client's first bytes (preface, settings, the call), then the process is gone.
                try (Socket connection = dying.accept()) {
                    connection.getInputStream().read(new byte[4096]);
                    connection.setSoLinger(true, 0);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });

            Throwable failure = catchThrowable(() -> forwarder.forward(route, "node-1", LoginRequest.newBuilder()
                    .setUsername("user1").setPassword("p").build(), new NotLeaderException("node-2", "node-1")).join());
            leader.join();

            assertThat(failure).isInstanceOf(CompletionException.class).cause()
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).as(e.getStatus().toString()).isEqualTo(Status.Code.UNAVAILABLE);
                        assertThat(e.getTrailers().get(GrpcErrors.LEADER_HINT)).isEqualTo("node-3");
                        assertThat(e.getTrailers().get(GrpcErrors.RETRY_AFTER_MILLIS)).isNotNull();
                    });
        }
    }

    @Test
    void when_the_client_set_a_short_deadline_then_the_forwarded_call_ends_with_it() {
        Forwarder.Route route = new Forwarder.Route(AuthServiceGrpc.getLoginMethod(), null, true,
                Deadline.after(300, TimeUnit.MILLISECONDS));
        long start = System.nanoTime();

        Throwable failure = catchThrowable(() -> forwarder.forward(route, "node-1", LoginRequest.newBuilder()
                .setUsername("silent").build(), new NotLeaderException("node-2", "node-1")).join());

        assertThat(failure).cause().isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(
                e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as("the client's deadline, not the "
                + "request timeout (5 s)").isLessThan(3_000);
    }

    @Test
    void when_the_leader_answers_an_error_then_its_trailers_reach_the_client_too() {
        Metadata trailers = new Metadata();
        trailers.put(Rejections.TAKEN_SEATS, "A1,A2");
        StatusRuntimeException taken = Status.FAILED_PRECONDITION.withDescription("seats taken")
                .asRuntimeException(trailers);
        StatusRuntimeException unreachable = Status.UNAVAILABLE.withDescription("io exception").asRuntimeException();

        assertThat(Forwarder.clientFailureOf(taken, "node-1", Optional.of("node-1"))).isSameAs(taken);
        assertThat(Forwarder.clientFailureOf(unreachable, "node-1", Optional.of("node-3")).getTrailers()
                .get(GrpcErrors.LEADER_HINT)).isEqualTo("node-3");
    }

    @Test
    void when_the_leader_itself_answers_unknown_or_internal_then_that_answer_stands() {
        StatusRuntimeException failed = Status.UNKNOWN.withDescription("apply failed").asRuntimeException();
        StatusRuntimeException internal = Status.INTERNAL.withDescription("state machine error").asRuntimeException();

        assertThat(Forwarder.clientFailureOf(failed, "node-1", Optional.empty())).isSameAs(failed);
        assertThat(Forwarder.clientFailureOf(internal, "node-1", Optional.empty())).isSameAs(internal);
    }

    @Test
    void when_the_leaders_endpoint_is_unknown_then_the_not_leader_condition_stands() {
        NotLeaderException cause = new NotLeaderException("node-2", "node-9");
        Forwarder.Route route = new Forwarder.Route(AuthServiceGrpc.getLoginMethod(), null, true, null);

        assertThatThrownBy(() -> forwarder.forward(route, "node-9", LoginRequest.getDefaultInstance(), cause).join())
                .hasCause(cause);
    }
}
