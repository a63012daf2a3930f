package io.boxoffice.raft.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxoffice.raft.core.Configuration;
import io.boxoffice.raft.core.Member;
import io.boxoffice.raft.core.Role;
import io.boxoffice.raft.storage.InMemoryLogStore;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * When the driver takes snapshots: every {@code snapshotEveryEntries}, and with {@code snapshotMinLogRatio}
 * only once the entries applied since the last snapshot are that many times its size in bytes, so a large
 * state is not copied again every few thousand entries.
 */
class SnapshotPolicyTest {

    @Test
    void with_a_log_ratio_each_snapshot_waits_for_as_many_log_bytes_as_the_last_one_holds() throws Exception {
        int commands = 200;
        List<long[]> snapshots = snapshotsAfterCommands(1.0, commands);

        assertThat(snapshots).hasSizeGreaterThanOrEqualTo(2);
        for (int i = 1; i < snapshots.size(); i++) {
            long entriesBetween = snapshots.get(i)[0] - snapshots.get(i - 1)[0];
            long previousBytes = snapshots.get(i - 1)[1];
            assertThat(entriesBetween * LONGEST_COMMAND_BYTES).as("log bytes between snapshot %d and %d", i - 1, i)
                    .isGreaterThanOrEqualTo(previousBytes);
        }
        // The state grows with every command, so do the snapshots, and so do the gaps between them.
        assertThat(snapshots.get(snapshots.size() - 1)[1]).isGreaterThan(snapshots.get(0)[1]);
    }

    @Test
    void however_large_the_ratio_the_log_held_in_memory_stays_under_its_byte_cap() throws Exception {
        // Ratio 1000 alone would allow one snapshot only (the first, after the interval); the 400-byte cap on the
        // log since the last snapshot forces one every ~25 entries of ~16 bytes.
        List<long[]> capped = snapshotsAfterCommands(1000.0, 200, 400);
        List<long[]> uncapped = snapshotsAfterCommands(1000.0, 200, 64L << 20);

        assertThat(uncapped).hasSize(1);
        assertThat(capped).hasSizeGreaterThanOrEqualTo(3);
    }

    @Test
    void members_of_one_cluster_reach_their_log_byte_caps_at_different_indexes() {
        long cap = 32L << 20;
        List<Long> caps = List.of("node1", "node2", "node3").stream()
                .map(id -> RaftDriver.staggeredMaxLogBytes(cap, id)).toList();

        // Never above the configured cap (it bounds the log held in memory), never far below it.
        assertThat(caps).allSatisfy(each -> assertThat(each).isBetween((long) (cap * RaftDriver.SNAPSHOT_STAGGER_MIN), cap));
        // Same entries, different caps: no two of them write their snapshots at the same index.
        assertThat(caps).doesNotHaveDuplicates();
        // A member keeps its cap across restarts (it depends on the id only).
        assertThat(RaftDriver.staggeredMaxLogBytes(cap, "node2")).isEqualTo(caps.get(1));
        assertThat(RaftDriver.staggeredMaxLogBytes(1, "node2")).isEqualTo(1);
    }

    @Test
    void two_members_applying_the_same_commands_snapshot_at_different_indexes() throws Exception {
        List<long[]> first = snapshotsAfterCommands("node1", 1000.0, 200, 600);
        List<long[]> second = snapshotsAfterCommands("node2", 1000.0, 200, 600);

        assertThat(first).hasSizeGreaterThanOrEqualTo(3);
        assertThat(second).hasSizeGreaterThanOrEqualTo(3);
        assertThat(first.stream().map(each -> each[0]).toList())
                .doesNotContainAnyElementsOf(second.stream().skip(1).map(each -> each[0]).toList());
    }

    private static final int LONGEST_COMMAND_BYTES = KvStateMachine.put("key-999", "value-999").length;

    /** (index, size in bytes) of the snapshots a solo node took while applying {@code commands} commands. */
    private static List<long[]> snapshotsAfterCommands(double ratio, int commands) throws Exception {
        return snapshotsAfterCommands(ratio, commands, 64L << 20);
    }

    private static List<long[]> snapshotsAfterCommands(double ratio, int commands, long maxLogBytes) throws Exception {
        return snapshotsAfterCommands("solo", ratio, commands, maxLogBytes);
    }

    private static List<long[]> snapshotsAfterCommands(String id, double ratio, int commands, long maxLogBytes)
            throws Exception {
        List<long[]> sizes = new CopyOnWriteArrayList<>();
        RaftObserver observer = new RaftObserver() {
            @Override
            public void snapshotTaken(long index, long sizeBytes, long durationNanos) {
                sizes.add(new long[] {index, sizeBytes});
            }
        };
        Configuration solo = new Configuration(List.of(new Member(id, "addr-" + id, true)));
        RaftServerConfig config = RaftServerConfig.defaults(id, solo).withSnapshotEveryEntries(5)
                .withSnapshotMinLogRatio(ratio).withSnapshotMaxLogBytes(maxLogBytes);
        try (LocalCluster files = new LocalCluster();
             RaftServer<byte[]> server = new RaftServer<>(config, new InMemoryLogStore(), files.snapshotStore(id),
                     new LocalNetwork().transportFor(id), new KvStateMachine(), observer,
                     FatalErrorHandler.LOG_ONLY)) {
            // The driver is stepped here and snapshot files are written inline, so every snapshot the policy
            // allows is complete before the next command: the count depends on the policy, not on how long this
            // machine's fsyncs take (with a snapshot thread, a slow fsync let 95 entries pass in one snapshot).
            SteppedRaftServer.Stepper driver = SteppedRaftServer.start(server, System::nanoTime, Runnable::run);
            stepUntil(driver, () -> server.status().role() == Role.LEADER);
            for (int i = 0; i < commands; i++) {
                // Distinct keys: the state, and so every snapshot, grows with the commands.
                CompletableFuture<?> applied = server.propose(KvStateMachine.put("key-" + i, "value-" + i));
                stepUntil(driver, applied::isDone);
                applied.get();
            }
            stepUntil(driver, () -> server.status().appliedIndex() >= commands);
        }
        return List.copyOf(sizes);
    }

    /** Runs the driver until {@code done} holds; fails after 10 s. */
    private static void stepUntil(SteppedRaftServer.Stepper driver, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the driver did not get there within 10 s");
            }
            if (!driver.runOnce(System.nanoTime())) {
                Thread.sleep(1);
            }
        }
    }
}
