package io.boxoffice.booking.testing;

import io.boxoffice.proto.v1.AdminServiceGrpc;
import io.boxoffice.proto.v1.AssistantServiceGrpc;
import io.boxoffice.proto.v1.AuthServiceGrpc;
import io.boxoffice.proto.v1.BookingServiceGrpc;
import io.boxoffice.proto.v1.CatalogServiceGrpc;
import io.boxoffice.proto.v1.ClusterServiceGrpc;
import io.boxoffice.proto.v1.LoginRequest;
import io.boxoffice.testkit.client.Stubs;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.AbstractStub;
import io.smallrye.jwt.build.Jwt;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Blocking gRPC stubs against the node under test, with tokens for the demo users. */
public final class GrpcClients {

    private static volatile ManagedChannel channel;
    private static volatile int channelPort;
    private static final Map<String, String> TOKENS = new ConcurrentHashMap<>();

    private GrpcClients() {
    }

    public static synchronized ManagedChannel channel() {
        // A test profile restarts the node on new ports with new keys: follow it.
        if (channel == null || channel.isShutdown() || channelPort != SingleNodeClusterResource.grpcPort) {
            if (channel != null) {
                channel.shutdownNow();
            }
            channelPort = SingleNodeClusterResource.grpcPort;
            channel = ManagedChannelBuilder.forAddress("localhost", channelPort).usePlaintext().build();
            TOKENS.clear();
        }
        return channel;
    }

    /** A token for a demo user, logged in once per test run. */
    public static String token(String username, String password) {
        ManagedChannel current = channel();
        return TOKENS.computeIfAbsent(username, name -> AuthServiceGrpc.newBlockingStub(current)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .login(LoginRequest.newBuilder().setUsername(name).setPassword(password).build()).getToken());
    }

    public static String user1() {
        return token("user1", "password1");
    }

    public static String user2() {
        return token("user2", "password2");
    }

    public static String admin() {
        return token("admin", "admin123");
    }

    /** A token signed with this run's real key but already expired. */
    public static String expiredToken() {
        long past = System.currentTimeMillis() / 1000 - 120;
        return Jwt.issuer("https://boxoffice.test").upn("user1").subject("usr_x").groups(Set.of("user"))
                .issuedAt(past - 600).expiresAt(past).sign(SingleNodeClusterResource.keys.getPrivate());
    }

    /** A well-formed admin token signed with a key the cluster does not know. */
    public static String forgedToken() {
        return Jwt.issuer("https://boxoffice.test").upn("admin").subject("usr_admin").groups(Set.of("admin", "user"))
                .expiresIn(600).sign(TestKeys.generate().getPrivate());
    }

    public static <S extends AbstractStub<S>> S as(S stub, String token) {
        return Stubs.authorized(stub, token, 15_000);
    }

    public static AuthServiceGrpc.AuthServiceBlockingStub auth() {
        return AuthServiceGrpc.newBlockingStub(channel()).withDeadlineAfter(15, TimeUnit.SECONDS);
    }

    public static CatalogServiceGrpc.CatalogServiceBlockingStub catalog(String token) {
        return as(CatalogServiceGrpc.newBlockingStub(channel()), token);
    }

    public static BookingServiceGrpc.BookingServiceBlockingStub booking(String token) {
        return as(BookingServiceGrpc.newBlockingStub(channel()), token);
    }

    public static AdminServiceGrpc.AdminServiceBlockingStub admin(String token) {
        return as(AdminServiceGrpc.newBlockingStub(channel()), token);
    }

    public static ClusterServiceGrpc.ClusterServiceBlockingStub cluster(String token) {
        return as(ClusterServiceGrpc.newBlockingStub(channel()), token);
    }

    public static AssistantServiceGrpc.AssistantServiceBlockingStub assistant(String token) {
        return as(AssistantServiceGrpc.newBlockingStub(channel()), token);
    }

    /** Runs {@code call}, asserts it failed with {@code code} and returns the status for more checks. */
    public static StatusRuntimeException fails(Status.Code code, ThrowableAssert.ThrowingCallable call) {
        StatusRuntimeException error = catchThrowableOfType(StatusRuntimeException.class, call);
        assertThat(error).as("expected the call to fail with " + code).isNotNull();
        assertThat(error.getStatus().getCode()).as(error.getStatus().toString()).isEqualTo(code);
        return error;
    }
}
