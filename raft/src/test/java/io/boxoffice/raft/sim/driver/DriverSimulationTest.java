package io.boxoffice.raft.sim.driver;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxoffice.raft.core.RaftStatus;
import io.boxoffice.raft.sim.SimFaults;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Deterministic simulation of whole clusters whose members run the real {@code RaftServer} recovery and the real
 * {@code RaftDriver} loop (not a re-implementation of it), one seed per run. A chaos phase (message loss, duplication,
 * delay and reordering, partitions, one-way cuts, crashes between steps and inside writes, sends and applies, restarts,
 * pauses, leadership transfers, membership changes, snapshots taken every few entries — local ones by members whose
 * state has storage of its own, files by the others and by a leader whose follower must copy one — and copied chunk by
 * chunk from real files) is followed by a healed phase that must elect a leader, acknowledge a new write, bring every member to
 * it and answer a linearizable read within a bound. {@link DriverSimChecker} lists what is checked after every step.
 *
 * <p>{@code -Ddriversim.seeds=N} runs N seeds (default {@value #DEFAULT_SEEDS}), {@code -Ddriversim.firstSeed=F}
 * shifts the range for soaks, {@code -Ddriversim.seed=S} with {@code #replay} replays one, and
 * {@code -Ddriversim.log=true} keeps the driver's own log (quiet otherwise).
 */
class DriverSimulationTest {

    static final int DEFAULT_SEEDS = 2000;
    static final long CHAOS_MILLIS = 5_000;
    static final long HEAL_BOUND_MILLIS = 4_000;
    private static final List<String> QUIETED_LOGGERS = List.of("io.boxoffice.raft.server", "io.boxoffice.raft.storage");
    private static final Map<String, Level> savedLevels = new HashMap<>();
    /** Kept so that the loggers whose level is set here are not collected (and their level forgotten). */
    private static final List<Logger> quieted = new ArrayList<>();

    @BeforeAll
    static void quietTheDriversLog() {
        if (Boolean.getBoolean("driversim.log")) {
            return;
        }
        for (String name : QUIETED_LOGGERS) {
            Logger logger = Logger.getLogger(name);
            savedLevels.put(name, logger.getLevel());
            logger.setLevel(Level.SEVERE);
            quieted.add(logger);
        }
    }

    @AfterAll
    static void restoreTheDriversLog() {
        for (Logger logger : quieted) {
            logger.setLevel(savedLevels.get(logger.getName()));
        }
        quieted.clear();
    }

    @Test
    void when_faults_heal_then_every_seed_is_safe_and_live() {
        int seeds = Integer.getInteger("driversim.seeds", DEFAULT_SEEDS);
        long first = Long.getLong("driversim.firstSeed", 1L);
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        AtomicLong seedsWithInstalls = new AtomicLong();
        AtomicLong seedsWithLocalSnapshots = new AtomicLong();
        AtomicLong seedsWithFilesOnDemand = new AtomicLong();
        AtomicLong seedsWithCrashesInIo = new AtomicLong();
        AtomicLong readsChecked = new AtomicLong();
        AtomicLong proposalsAcked = new AtomicLong();
        AtomicLong messagesChecked = new AtomicLong();
        AtomicLong pauses = new AtomicLong();
        AtomicLong transfers = new AtomicLong();
        AtomicLong membershipChanges = new AtomicLong();
        long startNanos = System.nanoTime();
        LongStream.range(first, first + seeds).parallel().forEach(seed -> {
            if (failures.size() >= 3) {
                return;
            }
            try (DriverSimCluster cluster = runSeed(seed)) {
                seedsWithInstalls.addAndGet(cluster.snapshotsInstalledFromLeader > 0 ? 1 : 0);
                seedsWithLocalSnapshots.addAndGet(cluster.localSnapshotsTaken > 0 ? 1 : 0);
                seedsWithFilesOnDemand.addAndGet(cluster.snapshotFilesOnDemand > 0 ? 1 : 0);
                seedsWithCrashesInIo.addAndGet(cluster.crashesInIo > 0 ? 1 : 0);
                readsChecked.addAndGet(cluster.checker.readsChecked());
                proposalsAcked.addAndGet(cluster.checker.proposalsAcked());
                messagesChecked.addAndGet(cluster.checker.messagesChecked());
                pauses.addAndGet(cluster.pauses);
                transfers.addAndGet(cluster.transfersCompleted);
                membershipChanges.addAndGet(cluster.membershipChangesCommitted);
            } catch (DriverSimulationFailure violation) {
                failures.add(violation);
            } catch (Throwable t) {
                failures.add(new AssertionError("seed " + seed + " failed (replay: "
                        + DriverSimulationFailure.replayCommand(seed) + ")", t));
            }
        });
        if (!failures.isEmpty()) {
            throw new AssertionError(failures.size() + "+ seeds failed; first:", failures.peek());
        }
        System.out.printf("driver simulation: %d seeds in %d ms; %d proposals acknowledged, %d linearizable reads"
                        + " checked, %d messages checked; %d seeds installed a leader's snapshot, %d took local"
                        + " snapshots, %d wrote a snapshot file for a follower on demand, %d crashed inside"
                        + " a write/send/apply; %d pauses, %d transfers, %d membership changes%n", seeds,
                (System.nanoTime() - startNanos) / 1_000_000, proposalsAcked.get(), readsChecked.get(),
                messagesChecked.get(), seedsWithInstalls.get(), seedsWithLocalSnapshots.get(),
                seedsWithFilesOnDemand.get(), seedsWithCrashesInIo.get(), pauses.get(), transfers.get(),
                membershipChanges.get());
        // The paths that matter must be exercised, not just compiled.
        assertThat(seedsWithInstalls.get()).as("seeds that installed a leader's snapshot").isGreaterThan(seeds / 10);
        assertThat(seedsWithLocalSnapshots.get()).as("seeds that took local snapshots").isGreaterThan(seeds / 4);
        assertThat(seedsWithFilesOnDemand.get()).as("seeds where a leader holding only a local snapshot wrote its"
                + " file for a follower").isGreaterThan(seeds / 20);
        assertThat(seedsWithCrashesInIo.get()).as("seeds that crashed inside a write, send or apply")
                .isGreaterThan(seeds / 2);
        assertThat(readsChecked.get()).as("linearizable reads checked").isGreaterThan(seeds * 5L);
        assertThat(proposalsAcked.get()).as("proposals acknowledged").isGreaterThan(seeds * 20L);
        assertThat(transfers.get()).as("leadership transfers completed").isGreaterThan(seeds / 4);
        assertThat(membershipChanges.get()).as("membership changes committed").isGreaterThan(seeds / 4);
    }

    @Test
    void replay() {
        Long seed = Long.getLong("driversim.seed");
        if (seed != null) {
            try (DriverSimCluster cluster = runSeed(seed)) {
                System.out.println("seed " + seed + ": " + summary(cluster));
            }
        }
    }

    @Test
    void chaos_actually_happens() {
        try (DriverSimCluster cluster = runChaos(7, 5)) {
            // A run that commits nothing, never changes leader or never crashes mid-write would prove nothing.
            assertThat(cluster.checker.highestCommitSeen()).isGreaterThan(50);
            assertThat(cluster.checker.proposalsAcked()).isGreaterThan(50);
            assertThat(cluster.checker.termsWithLeader()).isGreaterThan(3);
            assertThat(cluster.crashes).isGreaterThan(3);
            assertThat(cluster.snapshotsTaken).isGreaterThan(3);
            System.out.println("seed 7: " + summary(cluster));
        }
    }

    @Test
    void same_seed_gives_the_same_history() {
        try (DriverSimCluster a = runChaos(42, 3); DriverSimCluster b = runChaos(42, 3)) {
            assertThat(summary(a)).isEqualTo(summary(b));
            assertThat(a.checker.highestCommitSeen()).isPositive();
        }
    }

    private static String summary(DriverSimCluster cluster) {
        return "commit " + cluster.checker.highestCommitSeen() + ", " + cluster.checker.proposalsAcked()
                + " proposals acknowledged, " + cluster.checker.readsChecked() + " reads checked, "
                + cluster.checker.appliesChecked() + " applies checked, " + cluster.checker.messagesChecked()
                + " messages checked, " + cluster.checker.termsWithLeader() + " terms with a leader, " + cluster.crashes
                + " crashes (" + cluster.crashesInIo + " inside I/O), " + cluster.pauses + " pauses, "
                + cluster.snapshotsTaken + " snapshots taken (" + cluster.localSnapshotsTaken + " local, "
                + cluster.snapshotFilesOnDemand + " files on demand), " + cluster.snapshotsInstalledFromLeader
                + " installed from a leader, " + cluster.transfersCompleted + " transfers, "
                + cluster.membershipChangesCommitted + " membership changes";
    }

    static DriverSimCluster runSeed(long seed) {
        DriverSimCluster cluster = runChaos(seed, seed % 2 == 0 ? 3 : 5);
        try {
            healAndRequireProgress(cluster);
            return cluster;
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    static DriverSimCluster runChaos(long seed, int voters) {
        DriverSimCluster cluster = new DriverSimCluster(seed, voters, newRunDirectory(seed));
        try {
            Random schedule = new Random(seed * 7919 + 1);
            cluster.crashInIoRate = 0.002;
            long nextFaultAt = 200 + schedule.nextInt(200);
            while (cluster.nowMillis() < CHAOS_MILLIS) {
                cluster.step();
                if (schedule.nextInt(12) == 0) {
                    cluster.propose();
                }
                if (schedule.nextInt(60) == 0) {
                    cluster.read();
                }
                if (cluster.nowMillis() >= nextFaultAt) {
                    SimFaults.injectOne(cluster, schedule);
                    nextFaultAt = cluster.nowMillis() + 50 + schedule.nextInt(250);
                }
            }
            return cluster;
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }


    /**
     * After the faults heal: within {@value #HEAL_BOUND_MILLIS} simulated ms a leader acknowledges a new write, every
     * member of its configuration applies it, and a linearizable read on the leader sees it.
     */
    static void healAndRequireProgress(DriverSimCluster cluster) {
        cluster.heal();
        cluster.setNetwork(0, 0, 5, 0);
        cluster.crashInIoRate = 0;
        cluster.restartEveryone();
        long deadline = cluster.nowMillis() + HEAL_BOUND_MILLIS;
        CompletableFuture<HashKvStateMachine.Applied> write = null;
        long writeStartedAt = 0;
        while (cluster.nowMillis() < deadline) {
            cluster.step();
            if (write != null && write.isDone() && !write.isCompletedExceptionally()) {
                break;
            }
            boolean stalled = write != null && cluster.nowMillis() - writeStartedAt > 1_000;
            if ((write == null || write.isCompletedExceptionally() || stalled) && !cluster.leaders().isEmpty()) {
                write = cluster.propose(cluster.leaders().get(0));
                writeStartedAt = cluster.nowMillis();
            }
        }
        if (write == null || !write.isDone() || write.isCompletedExceptionally()) {
            throw cluster.fail("liveness: no write was acknowledged within " + HEAL_BOUND_MILLIS
                    + " ms after the faults healed");
        }
        long index = write.join().index();
        CompletableFuture<HashKvStateMachine.ReadResult> read = null;
        while (cluster.nowMillis() < deadline) {
            cluster.step();
            List<DriverSimNode> leaders = cluster.leaders();
            if (leaders.isEmpty() || !everyMemberApplied(cluster, leaders.get(0).status(), index)) {
                continue;
            }
            if (read == null || read.isCompletedExceptionally()) {
                read = cluster.read(leaders.get(0), true);
            } else if (read.isDone()) {
                if (read.join().appliedIndex() < index) {
                    throw cluster.fail("liveness: a read after the healed write saw index " + read.join().appliedIndex());
                }
                return;
            }
        }
        throw cluster.fail("liveness: within " + HEAL_BOUND_MILLIS + " ms of the heal, not every member applied index "
                + index + " or no linearizable read was answered");
    }

    private static boolean everyMemberApplied(DriverSimCluster cluster, RaftStatus leader, long index) {
        for (DriverSimNode node : cluster.members()) {
            if (leader.configuration().contains(node.id)
                    && (!node.isRunning() || node.machine.appliedIndex() < index)) {
                return false;
            }
        }
        return true;
    }

    private static Path newRunDirectory(long seed) {
        try {
            Path base = Path.of(System.getProperty("driversim.dir", defaultBaseDirectory()));
            return Files.createTempDirectory(Files.createDirectories(base), "driversim-" + seed + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Memory-backed where there is one: the runs write (and fsync) many small snapshot files. */
    private static String defaultBaseDirectory() {
        Path shm = Path.of("/dev/shm");
        return Files.isDirectory(shm) && Files.isWritable(shm) ? shm.toString()
                : System.getProperty("java.io.tmpdir");
    }
}
