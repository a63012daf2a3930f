package io.boxoffice.booking.api;

import static io.boxoffice.booking.testing.GrpcClients.fails;
import static org.assertj.core.api.Assertions.assertThat;

import io.boxoffice.booking.testing.DemoDataReady;
import io.boxoffice.booking.testing.GrpcClients;
import io.boxoffice.booking.testing.NodeState;
import io.boxoffice.booking.testing.NodeTest;
import io.boxoffice.proto.v1.CreateMovieRequest;
import io.boxoffice.proto.v1.GetClusterStatusRequest;
import io.boxoffice.proto.v1.HoldSeatsRequest;
import io.boxoffice.proto.v1.ListMoviesRequest;
import io.boxoffice.proto.v1.ListMyBookingsRequest;
import io.boxoffice.proto.v1.ListShowsRequest;
import io.boxoffice.proto.v1.LoginRequest;
import io.boxoffice.proto.v1.LoginResponse;
import io.boxoffice.proto.v1.RefundBookingRequest;
import io.boxoffice.proto.v1.TransferLeadershipRequest;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@NodeTest
class AuthApiTest {

    @BeforeAll
    static void demoData() {
        DemoDataReady.await();
    }

    @Test
    void when_the_password_is_right_then_login_returns_a_working_token_with_the_roles() {
        LoginResponse user = GrpcClients.auth().login(LoginRequest.newBuilder().setUsername("user1")
                .setPassword("password1").build());
        LoginResponse admin = GrpcClients.auth().login(LoginRequest.newBuilder().setUsername("admin")
                .setPassword("admin123").build());

        assertThat(user.getToken()).isNotBlank();
        assertThat(user.getRolesList()).containsExactly("user");
        assertThat(user.getUsername()).isEqualTo("user1");
        assertThat(user.getUserId()).startsWith("usr_");
        assertThat(user.getExpiresAtMillis()).isGreaterThan(System.currentTimeMillis());
        assertThat(admin.getRolesList()).containsExactlyInAnyOrder("user", "admin");
        assertThat(GrpcClients.catalog(user.getToken()).listMovies(ListMoviesRequest.getDefaultInstance())
                .getMoviesCount()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void when_the_password_is_wrong_or_the_user_unknown_then_the_same_unauthenticated_answer_comes() {
        StatusRuntimeException wrong = fails(Status.Code.UNAUTHENTICATED, () -> GrpcClients.auth().login(
                LoginRequest.newBuilder().setUsername("user2").setPassword("not-the-password").build()));
        StatusRuntimeException unknown = fails(Status.Code.UNAUTHENTICATED, () -> GrpcClients.auth().login(
                LoginRequest.newBuilder().setUsername("nobody").setPassword("whatever").build()));

        assertThat(wrong.getStatus().getDescription()).isEqualTo("wrong username or password");
        assertThat(unknown.getStatus().getDescription()).isEqualTo("wrong username or password");
    }

    @Test
    void when_login_fields_are_missing_then_invalid_argument_names_them() {
        StatusRuntimeException error = fails(Status.Code.INVALID_ARGUMENT,
                () -> GrpcClients.auth().login(LoginRequest.getDefaultInstance()));

        assertThat(error.getStatus().getDescription()).isEqualTo("username: is required; password: is required");
    }

    @Test
    void when_a_user_name_fails_repeatedly_then_logins_are_throttled_with_a_retry_hint() {
        LoginRequest guess = LoginRequest.newBuilder().setUsername("victim").setPassword("guess").build();
        for (int i = 0; i < 4; i++) {
            fails(Status.Code.UNAUTHENTICATED, () -> GrpcClients.auth().login(guess));
        }

        StatusRuntimeException throttled = fails(Status.Code.RESOURCE_EXHAUSTED, () -> GrpcClients.auth().login(
                LoginRequest.newBuilder().setUsername("victim").setPassword("right-or-not").build()));

        assertThat(throttled.getStatus().getDescription())
                .startsWith("too many failed logins for this user or from this address; retry in");
        String retryAfter = throttled.getTrailers().get(Metadata.Key.of("x-boxoffice-retry-after-millis",
                Metadata.ASCII_STRING_MARSHALLER));
        assertThat(Long.parseLong(retryAfter)).isBetween(1L, 1000L);
        // Other users are not affected.
        assertThat(GrpcClients.auth().login(LoginRequest.newBuilder().setUsername("user2").setPassword("password2")
                .build()).getToken()).isNotBlank();
    }

    @Test
    void when_no_token_is_sent_then_every_protected_call_is_unauthenticated_and_nothing_is_stored() {
        String before = NodeState.fingerprint();

        StatusRuntimeException catalog = fails(Status.Code.UNAUTHENTICATED,
                () -> GrpcClients.catalog(null).listShows(ListShowsRequest.getDefaultInstance()));
        fails(Status.Code.UNAUTHENTICATED, () -> GrpcClients.booking(null).holdSeats(HoldSeatsRequest.newBuilder()
                .setShowId("shw_x").addSeatIds("B2").build()));
        fails(Status.Code.UNAUTHENTICATED, () -> GrpcClients.admin(null).createMovie(CreateMovieRequest.newBuilder()
                .setTitle("Nope").setDurationMinutes(90).build()));

        assertThat(catalog.getStatus().getDescription()).isEqualTo("missing access token: send metadata "
                + "'authorization: Bearer <token>' with the token from AuthService/Login");
        assertThat(NodeState.fingerprint()).isEqualTo(before);
    }

    @Test
    void when_the_token_is_forged_then_the_call_is_unauthenticated_and_nothing_is_stored() {
        String before = NodeState.fingerprint();

        StatusRuntimeException error = fails(Status.Code.UNAUTHENTICATED, () -> GrpcClients.admin(
                GrpcClients.forgedToken()).createMovie(CreateMovieRequest.newBuilder().setTitle("Forged")
                .setDurationMinutes(90).build()));

        assertThat(error.getStatus().getDescription())
                .isEqualTo("access token is invalid (bad signature, issuer or format); log in again to get a new one");
        assertThat(NodeState.fingerprint()).isEqualTo(before);
    }

    @Test
    void when_the_token_has_expired_then_the_call_is_unauthenticated_and_says_so() {
        String before = NodeState.fingerprint();

        StatusRuntimeException error = fails(Status.Code.UNAUTHENTICATED, () -> GrpcClients.booking(
                GrpcClients.expiredToken()).listMyBookings(ListMyBookingsRequest.getDefaultInstance()));

        assertThat(error.getStatus().getDescription())
                .isEqualTo("access token has expired; log in again (AuthService/Login)");
        assertThat(NodeState.fingerprint()).isEqualTo(before);
    }

    @Test
    void when_the_authorization_metadata_is_not_a_bearer_token_then_the_call_is_unauthenticated() {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Basic dXNlcjE6cGFzcw==");
        StatusRuntimeException error = fails(Status.Code.UNAUTHENTICATED, () -> GrpcClients.catalog(null)
                .withInterceptors(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(headers))
                .listMovies(ListMoviesRequest.getDefaultInstance()));

        assertThat(error.getStatus().getDescription())
                .isEqualTo("malformed authorization metadata: expected 'Bearer <token>'");
    }

    @Test
    void when_a_user_calls_admin_rpcs_then_permission_is_denied_and_nothing_is_stored() {
        String before = NodeState.fingerprint();

        StatusRuntimeException admin = fails(Status.Code.PERMISSION_DENIED, () -> GrpcClients.admin(
                GrpcClients.user1()).createMovie(CreateMovieRequest.newBuilder().setTitle("Mine")
                .setDurationMinutes(90).build()));
        fails(Status.Code.PERMISSION_DENIED, () -> GrpcClients.admin(GrpcClients.user1()).refundBooking(
                RefundBookingRequest.newBuilder().setBookingId("bkg_x").setReason("because").build()));
        StatusRuntimeException cluster = fails(Status.Code.PERMISSION_DENIED, () -> GrpcClients.cluster(
                GrpcClients.user1()).getClusterStatus(GetClusterStatusRequest.getDefaultInstance()));
        fails(Status.Code.PERMISSION_DENIED, () -> GrpcClients.cluster(GrpcClients.user2()).transferLeadership(
                TransferLeadershipRequest.getDefaultInstance()));

        assertThat(admin.getStatus().getDescription()).isEqualTo(
                "boxoffice.v1.AdminService/CreateMovie needs the admin role; user 'user1' has role user");
        assertThat(cluster.getStatus().getDescription()).startsWith(
                "boxoffice.v1.ClusterService/GetClusterStatus needs the admin role");
        assertThat(NodeState.fingerprint()).isEqualTo(before);
    }
}
