package io.boxoffice.booking.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxoffice.booking.testing.LoopbackCluster;
import io.boxoffice.booking.testing.LoopbackCluster.Member;
import io.boxoffice.proto.v1.BookSeatsRequest;
import io.boxoffice.proto.v1.ClusterStatus;
import io.boxoffice.proto.v1.Hold;
import io.boxoffice.proto.v1.HoldSeatsRequest;
import io.boxoffice.proto.v1.NodeStatus;
import io.boxoffice.proto.v1.ReleaseHoldRequest;
import io.boxoffice.proto.v1.Show;
import io.boxoffice.testkit.client.NodeClient;
import io.boxoffice.testkit.client.Retrying;
import io.boxoffice.testkit.process.LogDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 10's live recovery test: three packaged nodes with a small heap, a snapshot every 100 entries and
 * only 10 entries kept behind a snapshot, so the log moves past a stopped follower quickly.
 *
 * <ul>
 *   <li>A follower SIGKILLed while ~1,000 entries are written comes back behind the leader's log start; it can
 *       only catch up through InstallSnapshot. The leader's own snapshots are local (its state's RocksDB synced, no
 *       file), so it writes a snapshot file for the follower on demand; the follower streams it in 4 KiB
 *       chunks into its own snapshot directory (the metric {@code boxoffice_raft_snapshots_total{kind="installed"}}
 *       counts it) and restoring its RocksDB state from it.</li>
 *   <li>A node SIGKILLed and restarted after that loads its state from its own RocksDB and replays only the log
 *       after the state's durable index — a handful of entries, not the ~1,000 the cluster wrote
 *       ({@code boxoffice_raft_entries_replayed_at_start}).</li>
 *   <li>Every member then reports the same applied index and state hash (the hash chains every applied command).</li>
 * </ul>
 */
class SnapshotCatchUpIT {

    private static final Duration BOUND = Duration.ofSeconds(60);
    private static final Retrying RETRYING = Retrying.on(Retrying.UNAVAILABLE_OR_DEADLINE).within(Duration.ofSeconds(20));
    /** Hold-and-release rounds while the follower is down: two entries each. */
    private static final int ROUNDS = 520;
    private static final long SNAPSHOT_INTERVAL_ENTRIES = 100;
    private static final long CATCH_UP_ENTRIES = 10;

    private LoopbackCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void a_follower_behind_the_log_start_catches_up_from_snapshot_files_and_a_restart_replays_only_the_tail()
            throws Exception {
        Path work = Files.createTempDirectory("boxoffice-snapshot-it-");
        cluster = LoopbackCluster.builder(work, LogDirectory.fresh("SnapshotCatchUpIT"))
                .members("node1", "node2", "node3")
                .processes(jvm -> jvm.heapMegabytes(128))
                .setting("boxoffice.raft.snapshot-interval-entries", Long.toString(SNAPSHOT_INTERVAL_ENTRIES))
                .setting("boxoffice.raft.snapshot-catch-up-entries", Long.toString(CATCH_UP_ENTRIES))
                // Every interval, whatever the state's size: this test is about many snapshots.
                .setting("boxoffice.raft.snapshot-min-log-ratio", "0")
                .setting("boxoffice.raft.snapshot-chunk-bytes", "4096").build();
        cluster.startAll();
        cluster.awaitAllReady(cluster.members(), BOUND);
        NodeClient first = cluster.get(0).client();
        cluster.within(BOUND).until("demo data", () -> !first.shows(first.login("user1", "password1")).isEmpty());
        String admin = RETRYING.call(() -> first.login("admin", "admin123"));
        Member leader = cluster.leader(admin);
        Member lagging = cluster.members().stream().filter(member -> member != leader).findFirst().orElseThrow();
        cluster.awaitConverged(cluster.members(), BOUND);
        long laggingApplied = lagging.readiness().appliedIndex();

        lagging.process().kill();
        // Through a node that stays up (a follower forwards to the leader); every write carries an idempotency
        // key, so a retry after an election on a loaded machine changes nothing twice.
        NodeClient client = leader.client();
        String user = RETRYING.call(() -> client.login("user1", "password1"));
        List<Show> shows = RETRYING.call(() -> client.shows(user));
        for (int round = 0; round < ROUNDS; round++) {
            Show show = shows.get(round % shows.size());
            String seatId = "C" + (1 + round % 12);
            String holdKey = "hold-" + round;
            Hold hold = RETRYING.call(() -> client.booking(user, 10_000).holdSeats(HoldSeatsRequest.newBuilder()
                    .setShowId(show.getId()).addSeatIds(seatId).setIdempotencyKey(holdKey).build()));
            String releaseKey = "release-" + round;
            RETRYING.call(() -> client.booking(user, 10_000).releaseHold(ReleaseHoldRequest.newBuilder()
                    .setHoldId(hold.getId()).setIdempotencyKey(releaseKey).build()));
        }
        // Some bookings too, so the snapshot carries bookings, payments and audit records, not only holds.
        for (int seat = 1; seat <= 10; seat++) {
            String seatId = "F" + seat;
            RETRYING.call(() -> client.booking(user, 10_000).bookSeats(BookSeatsRequest.newBuilder()
                    .setShowId(shows.get(0).getId()).addSeatIds(seatId).setPayment(NodeClient.CARD)
                    .setIdempotencyKey("book-" + seatId).build()));
        }
        Member current = cluster.leader(admin);
        NodeStatus leaderView = own(RETRYING.call(() -> current.client().clusterStatus(admin)), current.id());
        long logStart = leaderView.getSnapshotIndex() - CATCH_UP_ENTRIES;
        assertThat(logStart).as("the leader compacted its log past the stopped follower's index %d", laggingApplied)
                .isGreaterThan(laggingApplied + 1);

        lagging.start();
        cluster.awaitConverged(cluster.members(), BOUND);
        assertThat(lagging.client().metric("boxoffice_raft_snapshots_total{kind=\"installed\"}").orElse(0))
                .as("%s caught up by installing a snapshot", lagging.id()).isGreaterThanOrEqualTo(1);
        assertThat(Files.list(work.resolve(lagging.id()).resolve("snapshots")).filter(path -> path.getFileName()
                .toString().endsWith(".snap")).count()).as("the installed snapshot is a file on disk").isPositive();
        // The members that stayed up compacted their logs with local snapshots (a sync of the state's RocksDB, no
        // copy) every interval, and wrote a snapshot file only because the returning follower needed one.
        double localSnapshots = 0;
        double snapshotFiles = 0;
        for (Member member : cluster.members()) {
            if (member != lagging) {
                localSnapshots += member.client().metric("boxoffice_raft_snapshots_total{kind=\"local\"}").orElse(0);
                snapshotFiles += member.client().metric("boxoffice_raft_snapshots_total{kind=\"taken\"}").orElse(0);
            }
        }
        assertThat(localSnapshots).as("local snapshots by the members that stayed up").isGreaterThanOrEqualTo(10);
        assertThat(snapshotFiles).as("snapshot files written by the members that stayed up: only on demand")
                .isBetween(1.0, 3.0);
        assertSameState(admin, leaderView.getAppliedIndex());

        // A restart after SIGKILL: the state's RocksDB is as far as the applies went, so almost nothing replays.
        Member leaderNow = cluster.leader(admin);
        Member restarted = cluster.members().stream().filter(member -> member != lagging && member != leaderNow)
                .findFirst().orElseThrow();
        long appliedBeforeKill = restarted.readiness().appliedIndex();
        restarted.process().kill();
        restarted.start();
        cluster.awaitConverged(cluster.members(), BOUND);
        double replayed = restarted.client().metric("boxoffice_raft_entries_replayed_at_start").orElse(-1);
        assertThat(appliedBeforeKill).as("the cluster wrote far more than a snapshot interval").isGreaterThan(1_000);
        assertThat(replayed).as("%s replayed only the log after its state's durable index", restarted.id())
                .isBetween(0.0, 10.0);
        assertSameState(admin, appliedBeforeKill);
    }

    /** Every member reports the same applied index (at least {@code atLeast}) and the same state hash. */
    private void assertSameState(String admin, long atLeast) {
        cluster.within(BOUND).until("every member with the same applied index and state hash", () -> {
            ClusterStatus status = cluster.leader(admin).client().clusterStatus(admin);
            return status.getNodesCount() == 3
                    && status.getNodesList().stream().allMatch(node -> node.getError().isEmpty()
                            && node.getAppliedIndex() >= atLeast && !node.getStateHash().isEmpty())
                    && status.getNodesList().stream().map(NodeStatus::getStateHash).distinct().count() == 1
                    && status.getNodesList().stream().map(NodeStatus::getAppliedIndex).distinct().count() == 1;
        });
    }

    private static NodeStatus own(ClusterStatus status, String id) {
        return status.getNodesList().stream().filter(node -> node.getId().equals(id)).findFirst().orElseThrow();
    }
}
