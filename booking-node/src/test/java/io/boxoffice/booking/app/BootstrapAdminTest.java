package io.boxoffice.booking.app;

import static io.boxoffice.booking.testing.GrpcClients.fails;
import static org.assertj.core.api.Assertions.assertThat;

import io.boxoffice.booking.testing.GrpcClients;
import io.boxoffice.booking.testing.SingleNodeClusterResource;
import io.boxoffice.proto.v1.AuthServiceGrpc;
import io.boxoffice.proto.v1.ListAllBookingsRequest;
import io.boxoffice.proto.v1.LoginRequest;
import io.grpc.Status;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import io.boxoffice.raft.server.ReadConsistency;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Without demo data, the bootstrap administrator from a password file is the way in. */
@QuarkusTest
@TestProfile(BootstrapAdminTest.Production.class)
@Tag("quarkus")
class BootstrapAdminTest {

    @Inject
    CommandGateway gateway;
    @Inject
    BookingQueries queries;

    static final String PASSWORD = "s3cret-from-a-secret";

    /** A node configured as in production: no demo data, a bootstrap administrator password file. */
    public static class Production implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(SingleNodeClusterResource.class,
                    Map.of("assistant", "none", "demo", "false", "bootstrapAdminPassword", PASSWORD)));
        }

        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }
    }

    @Test
    void the_leader_creates_the_administrator_once_and_no_demo_user_exists() throws InterruptedException {
        // Wait on the state itself: polling Login would trip the failed-login throttle.
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!gateway.read(queries::hasUsers, ReadConsistency.STALE).join()) {
            assertThat(System.nanoTime()).as("bootstrap administrator created within 20 s").isLessThan(deadline);
            Thread.sleep(100);
        }
        String token = GrpcClients.token("admin", PASSWORD);
        assertThat(GrpcClients.admin(token).listAllBookings(ListAllBookingsRequest.getDefaultInstance())
                .getBookingsCount()).isZero();
        fails(Status.Code.UNAUTHENTICATED, () -> login("user1", "password1"));
        fails(Status.Code.UNAUTHENTICATED, () -> login("admin", "admin123"));
    }

    /** A fresh login, never a cached token. */
    private static void login(String username, String password) {
        AuthServiceGrpc.newBlockingStub(GrpcClients.channel()).withDeadlineAfter(10, TimeUnit.SECONDS)
                .login(LoginRequest.newBuilder().setUsername(username).setPassword(password).build());
    }
}
