package io.boxoffice.booking.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxoffice.booking.testing.LoopbackCluster;
import io.boxoffice.booking.testing.LoopbackCluster.Member;
import io.boxoffice.proto.v1.Booking;
import io.boxoffice.proto.v1.BookingStatus;
import io.boxoffice.proto.v1.CreateUserRequest;
import io.boxoffice.proto.v1.Show;
import io.boxoffice.proto.v1.TransferLeadershipRequest;
import io.boxoffice.testkit.client.NodeClient;
import io.boxoffice.testkit.client.Retrying;
import io.boxoffice.testkit.process.LogDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Fail loudly (issue 10): a node whose apply path throws ends its process with status 70 at once, instead
 * of living on with a dead Raft loop, and the other two go on serving. The failure is injected on node3 only
 * with the failpoint {@code boxoffice.failpoints.fail-apply-on-username}: applying the registration of user
 * {@code doomed} throws there, as a bug would.
 */
class FatalApplyIT {

    private static final Duration BOUND = Duration.ofSeconds(60);
    private static final Retrying RETRYING = Retrying.on(Retrying.UNAVAILABLE_OR_DEADLINE).within(Duration.ofSeconds(20));

    private LoopbackCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void a_node_whose_apply_fails_exits_with_status_70_and_the_other_two_keep_serving() throws Exception {
        Path work = Files.createTempDirectory("boxoffice-fatal-it-");
        cluster = LoopbackCluster.builder(work, LogDirectory.fresh("FatalApplyIT")).members("node1", "node2", "node3")
                .memberSetting("node3", "boxoffice.failpoints.fail-apply-on-username", "doomed").build();
        cluster.startAll();
        cluster.awaitAllReady(cluster.members(), BOUND);
        Member node1 = cluster.member("node1");
        Member node3 = cluster.member("node3");
        cluster.within(BOUND).until("demo data", () -> !node1.client().shows(node1.client().login("user1",
                "password1")).isEmpty());
        String admin = RETRYING.call(() -> node1.client().login("admin", "admin123"));
        if (cluster.leader(admin) == node3) {
            // The failing node as a follower: the client's request is answered by a healthy leader.
            RETRYING.call(() -> node1.client().cluster(admin, 10_000).transferLeadership(
                    TransferLeadershipRequest.newBuilder().setTargetNodeId("node1").build()));
        }

        RETRYING.call(() -> node1.client().admin(admin, 10_000).createUser(CreateUserRequest.newBuilder()
                .setUsername("doomed").setPassword("doomed-password").setIdempotencyKey("create-doomed").build()));
        long ackNanos = System.nanoTime();

        assertThat(node3.process().waitForExit(Duration.ofSeconds(10))).as("node3 ended its process").isTrue();
        long exitMillis = (System.nanoTime() - ackNanos) / 1_000_000;
        assertThat(node3.process().takeUnexpectedExit()).isPresent();
        assertThat(node3.process().exitValue()).as("exit status (EX_SOFTWARE)").isEqualTo(70);
        assertThat(node3.process().logTail(80)).contains("failpoint boxoffice.failpoints.fail-apply-on-username")
                .contains("exiting with status 70");
        System.out.printf("[FatalApplyIT] node3 exited with status 70, %d ms after the client's acknowledgement%n",
                exitMillis);
        // Well under the client's patience; the node itself gives its orderly shutdown 800 ms, then halts.
        assertThat(exitMillis).isLessThan(5_000);

        for (Member survivor : new Member[] {node1, cluster.member("node2")}) {
            NodeClient client = survivor.client();
            String token = RETRYING.call(() -> client.login("doomed", "doomed-password"));
            Show show = RETRYING.call(() -> client.shows(token)).get(0);
            Booking booking = RETRYING.call(() -> client.book(token, show.getId(),
                    survivor == node1 ? "E3" : "E4", "after-" + survivor.id(), 10_000));
            assertThat(booking.getStatus()).isEqualTo(BookingStatus.BOOKING_STATUS_CONFIRMED);
        }
    }
}
