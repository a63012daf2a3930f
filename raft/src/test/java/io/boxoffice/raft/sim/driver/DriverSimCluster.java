package io.boxoffice.raft.sim.driver;

import io.boxoffice.raft.core.Configuration;
import io.boxoffice.raft.core.Member;
import io.boxoffice.raft.core.RaftConfig;
import io.boxoffice.raft.core.RaftStatus;
import io.boxoffice.raft.core.Role;
import io.boxoffice.raft.core.message.Message;
import io.boxoffice.raft.server.RaftObserver;
import io.boxoffice.raft.server.RaftServer;
import io.boxoffice.raft.server.RaftServerConfig;
import io.boxoffice.raft.server.ReadConsistency;
import io.boxoffice.raft.server.SteppedRaftServer;
import io.boxoffice.raft.sim.SimFaults;
import io.boxoffice.raft.storage.SnapshotStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

/**
 * A whole cluster whose members each run the real {@link RaftServer} recovery and the real {@code RaftDriver} loop,
 * stepped one simulated millisecond at a time from one seed: simulated clock (with a per-process offset), network
 * ({@link SimNetwork}), crashes that lose unsynced writes ({@link CrashableLogStore}), real snapshot files in a
 * directory per member, and a snapshot executor whose tasks run at a later simulated time (or never, when the process
 * dies first). After every step the {@link DriverSimChecker} properties hold, or the run fails with its seed.
 */
final class DriverSimCluster implements AutoCloseable, SimNetwork.Hooks, SimFaults {

    static final int TICK_MILLIS = 10;
    static final int ELECTION_TIMEOUT_TICKS = 10;
    /** Loop iterations one member may run in one simulated millisecond. */
    static final int MAX_LOOPS_PER_STEP = 16;
    static final int TRACE_EVENTS_KEPT = 300;
    static final int KEYS = 8;
    /** How far a process's clock rate may be off, in nanoseconds per simulated millisecond (3 %). */
    static final int MAX_CLOCK_DRIFT_PPM = 30_000;

    private final long seed;
    final Random random;
    final EventQueue events = new EventQueue();
    final SimNetwork network;
    final DriverSimChecker checker;
    private final Path root;
    private final Map<String, DriverSimNode> nodes = new LinkedHashMap<>();
    private final Map<String, NodeDisk> disks = new LinkedHashMap<>();
    private final ArrayDeque<String> trace = new ArrayDeque<>();
    private final List<String> removedPendingShutdown = new ArrayList<>();
    private final int leaseMarginTicks;
    private final long snapshotEveryEntries;
    /** Half the seeds also wait for log bytes against the last snapshot's size. */
    private final double snapshotMinLogRatio;
    private final long snapshotCatchUpEntries;
    private final int maxInboxMessages;
    private int nextSpareNumber;
    private long commandCounter;
    private DriverSimulationFailure failure;

    /** Chance that a synced write, an apply or (a quarter of it) a send kills the process at that point. */
    double crashInIoRate;

    // What happened, so a test can require that the faults and paths were exercised.
    long crashes;
    long crashesInIo;
    long pauses;
    long transfersCompleted;
    long membershipChangesCommitted;
    long snapshotsTaken;
    /** Local snapshots (the state synced, no file), by members whose state has storage of its own. */
    long localSnapshotsTaken;
    /** Snapshot files written by such members: only ever because a follower needed one. */
    long snapshotFilesOnDemand;
    long snapshotsInstalledFromLeader;

    DriverSimCluster(long seed, int voterCount, Path root) {
        this.seed = seed;
        this.root = root;
        this.random = new Random(seed);
        this.network = new SimNetwork(events, random, this);
        this.checker = new DriverSimChecker(disks, this::snapshotStoreOf, this::fail);
        // Half the seeds answer reads from a leader lease (a margin of 2 of 10 ticks), half with ReadIndex rounds.
        this.leaseMarginTicks = Math.floorMod(seed, 4) < 2 ? 2 : 0;
        this.snapshotEveryEntries = 8 + random.nextInt(25);
        this.snapshotMinLogRatio = random.nextBoolean() ? 0.0 : 0.5;
        this.snapshotCatchUpEntries = random.nextInt(12);
        this.maxInboxMessages = 32 + random.nextInt(224);
        List<Member> members = new ArrayList<>();
        for (int i = 1; i <= voterCount; i++) {
            members.add(new Member("n" + i, "n" + i + ":7000", true));
        }
        nextSpareNumber = voterCount + 1;
        Configuration bootstrap = new Configuration(members);
        checker.configurationUsed(bootstrap.voterIds());
        for (Member member : members) {
            start(addNode(member.id(), bootstrap));
        }
        record("started " + voterCount + " voters; snapshot every " + snapshotEveryEntries + " entries keeping "
                + snapshotCatchUpEntries + "; lease margin " + leaseMarginTicks + " ticks; inbox " + maxInboxMessages);
    }

    long nowMillis() {
        return events.nowMillis();
    }

    List<DriverSimNode> members() {
        return List.copyOf(nodes.values());
    }

    // ---------------------------------------------------------------- processes

    private DriverSimNode addNode(String id, Configuration bootstrap) {
        Path directory;
        try {
            directory = Files.createDirectories(root.resolve(id).resolve("snapshots"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        NodeDisk disk = new NodeDisk(id, directory);
        disks.put(id, disk);
        HashKvStateMachine.Durability[] kinds = HashKvStateMachine.Durability.values();
        DriverSimNode node = new DriverSimNode(id, disk, bootstrap, kinds[random.nextInt(kinds.length)]);
        nodes.put(id, node);
        return node;
    }

    private RaftServerConfig serverConfig(String id, Configuration bootstrap) {
        // Small batches and windows so that pipelining limits are exercised.
        RaftConfig raft = RaftConfig.defaults(id).withElectionTimeoutTicks(ELECTION_TIMEOUT_TICKS)
                .withHeartbeatIntervalTicks(1).withLimits(4, 3, 4096).withLeaseMarginTicks(leaseMarginTicks);
        return new RaftServerConfig(raft, bootstrap, TICK_MILLIS, maxInboxMessages, 64, 1024, snapshotEveryEntries,
                snapshotCatchUpEntries, 50L * TICK_MILLIS, random.nextLong(), snapshotMinLogRatio,
                64L << 20);
    }

    /** Starts a process on the member's disk: the real recovery of {@link RaftServer}, then the stepped driver. */
    private void start(DriverSimNode node) {
        int incarnation = ++node.incarnation;
        node.clockOffsetNanos = random.nextInt(10_000_000);
        // Clocks run up to 3 % fast or slow: well inside the lease's drift assumption (2 of 10 ticks: 25 %).
        node.clockNanosPerMilli = 1_000_000 + random.nextInt(MAX_CLOCK_DRIFT_PPM * 2 + 1) - MAX_CLOCK_DRIFT_PPM;
        node.store = new CrashableLogStore(node.disk, where -> maybeCrash(node, incarnation, where, 1.0));
        node.snapshots = new SnapshotStore(node.disk.snapshotDirectory);
        node.machine = new HashKvStateMachine(node.disk, node.durability, probeFor(node, incarnation));
        node.server = new RaftServer<>(serverConfig(node.id, node.bootstrap), node.store, node.snapshots,
                network.transportFor(node.id, incarnation), node.machine, observerFor(node), cause -> {
                    throw new AssertionError("the simulation runs no driver thread", cause);
                });
        node.driver = SteppedRaftServer.start(node.server, () -> node.clockNanos(events.nowMillis()),
                task -> scheduleSnapshotWrite(node, incarnation, task));
    }

    private HashKvStateMachine.Probe probeFor(DriverSimNode node, int incarnation) {
        return new HashKvStateMachine.Probe() {
            @Override
            public void beforeApply(long index, byte[] command) {
                checker.beforeApply(node.id, index, command);
                maybeCrash(node, incarnation, "while applying index " + index, 0.5);
            }

            @Override
            public void stateAt(long index, long hash) {
                checker.stateAt(node.id, index, hash);
            }

            @Override
            public void beforeRestore(long index) {
                checker.beforeRestore(node.id, index);
            }

            @Override
            public void restored(long index, long hash) {
                checker.restored(node.id, index, hash);
            }

            @Override
            public boolean flushNow() {
                return random.nextInt(4) == 0;
            }
        };
    }

    private RaftObserver observerFor(DriverSimNode node) {
        return new RaftObserver() {
            @Override
            public void snapshotTaken(long index, long sizeBytes, long durationNanos) {
                snapshotsTaken++;
                if (node.durability != HashKvStateMachine.Durability.SNAPSHOTS_ONLY) {
                    snapshotFilesOnDemand++;
                    record(node.id + " wrote snapshot file " + index + " for a follower");
                }
            }

            @Override
            public void localSnapshotTaken(long index, long durationNanos) {
                snapshotsTaken++;
                localSnapshotsTaken++;
            }

            @Override
            public void snapshotInstalled(long index, long sizeBytes, long durationNanos) {
                snapshotsInstalledFromLeader++;
                record(node.id + " installed snapshot " + index + " (" + sizeBytes + " bytes)");
            }

            @Override
            public void roleChanged(Role from, Role to, long term, String leaderId, String reason) {
                record(node.id + " " + from + " -> " + to + " in term " + term + ": " + reason);
            }
        };
    }

    /** The snapshot executor: the task runs at a later simulated time, unless the process dies first. */
    private void scheduleSnapshotWrite(DriverSimNode node, int incarnation, Runnable task) {
        node.pendingSnapshotWrites++;
        events.at(events.nowMillis() + 1 + random.nextInt(40), () -> runSnapshotWrite(node, incarnation, task));
    }

    private void runSnapshotWrite(DriverSimNode node, int incarnation, Runnable task) {
        if (!node.isUp() || node.incarnation != incarnation) {
            return; // The snapshot thread died with its process.
        }
        if (node.pausedUntilMillis >= 0) {
            events.at(node.pausedUntilMillis, () -> runSnapshotWrite(node, incarnation, task));
            return;
        }
        node.pendingSnapshotWrites--;
        task.run();
        if (random.nextDouble() < crashInIoRate * 25) {
            // The file is durable but its completion still waits in the driver's queue: a restart finds a snapshot
            // file that the log store does not name.
            crashesInIo++;
            record(node.id + " crashes after writing a snapshot file, before the driver recorded it");
            crash(node, 20 + random.nextInt(400));
        }
    }

    private void maybeCrash(DriverSimNode node, int incarnation, String where, double weight) {
        if (node.incarnation == incarnation && random.nextDouble() < crashInIoRate * weight) {
            crashesInIo++;
            record(node.id + " crashes " + where);
            throw new SimulatedCrash(node.id + " crashed " + where);
        }
    }

    @Override
    public void onSend(String fromId, int incarnation, Message message) {
        checker.beforeSend(fromId, message);
        DriverSimNode node = nodes.get(fromId);
        if (node != null) {
            maybeCrash(node, incarnation, "while sending " + message.getClass().getSimpleName(), 0.25);
        }
    }

    @Override
    public long pausedUntilMillis(String id) {
        DriverSimNode node = nodes.get(id);
        return node == null ? -1 : node.pausedUntilMillis;
    }

    private SnapshotStore snapshotStoreOf(String id) {
        DriverSimNode node = nodes.get(id);
        return node == null ? null : node.snapshots;
    }

    /** Kills the process: unsynced writes are lost, and so are its queues, copies and snapshot writes in progress. */
    void crash(DriverSimNode node, int downMillis) {
        if (!node.isUp()) {
            return;
        }
        crashes++;
        node.store.crash(random);
        network.disconnect(node.id, node.incarnation);
        if (node.pendingSnapshotWrites > 0 && random.nextBoolean()) {
            leaveTornSnapshotFile(node);
        }
        node.forgetProcess();
        node.restartAtMillis = events.nowMillis() + downMillis;
        record("crash " + node.id + " for " + downMillis + "ms");
    }

    /** A snapshot write cut short: the snapshot store must ignore (and delete) the half-written file on restart. */
    private void leaveTornSnapshotFile(DriverSimNode node) {
        try {
            Files.write(node.disk.snapshotDirectory.resolve("snapshot-torn.snap.tmp"), new byte[] {1, 2, 3});
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void restart(DriverSimNode node) {
        node.restartAtMillis = -1;
        start(node);
        DurableView durable = node.disk.durable();
        record("restart " + node.id + " from " + durable.hardState() + ", log (" + durable.startIndex() + ", "
                + durable.lastIndex() + "], state at " + node.machine.appliedIndex());
    }

    @Override
    public void restartEveryone() {
        for (DriverSimNode node : nodes.values()) {
            if (!node.isUp()) {
                restart(node);
            }
        }
    }

    void pause(DriverSimNode node, int millis) {
        pauses++;
        node.pausedAtMillis = events.nowMillis();
        node.pausedUntilMillis = events.nowMillis() + millis;
        record("pause " + node.id + " (" + node.status().role() + ") for " + millis + "ms");
    }

    // ---------------------------------------------------------------- the step loop

    /** Advances simulated time by one millisecond and checks every property. */
    void step() {
        events.advance();
        List<DriverSimNode> resumed = new ArrayList<>();
        for (DriverSimNode node : members()) {
            if (node.isUp() && node.pausedUntilMillis >= 0 && events.nowMillis() >= node.pausedUntilMillis) {
                node.pausedUntilMillis = -1;
                resumed.add(node);
            }
        }
        // What waited for a paused process (messages in its socket, its snapshot thread) goes on before its driver.
        events.runDue();
        rethrowFailure();
        for (DriverSimNode node : members()) {
            if (!node.isUp() && node.restartAtMillis >= 0 && events.nowMillis() >= node.restartAtMillis) {
                restart(node);
            }
        }
        for (DriverSimNode node : resumed) {
            resumed(node);
        }
        for (DriverSimNode node : members()) {
            if (node.isRunning()) {
                runLoop(node);
            }
        }
        checkBetweenSteps();
        shutDownRemovedMembers();
        rethrowFailure();
    }

    private void resumed(DriverSimNode node) {
        if (!node.isUp()) {
            return;
        }
        record("resume " + node.id + " after " + (events.nowMillis() - node.pausedAtMillis) + "ms");
        if (node.status().role() == Role.LEADER) {
            // A client's read queued during the pause: the driver must catch up on ticks before it serves it, or a
            // leader whose lease ran out in real time would answer from a stale state.
            read(node, true);
        }
    }

    private void runLoop(DriverSimNode node) {
        for (int loop = 0; loop < MAX_LOOPS_PER_STEP; loop++) {
            boolean busy;
            try {
                busy = node.driver.runOnce(node.clockNanos(events.nowMillis()));
            } catch (SimulatedCrash crash) {
                crash(node, 20 + random.nextInt(400));
                return;
            } catch (DriverSimulationFailure violation) {
                throw violation;
            } catch (Throwable fatal) {
                throw fail(node.id + "'s driver stopped with a fatal error (in production the node exits): " + fatal,
                        fatal);
            }
            checker.observe(node.id, node.incarnation, node.status());
            if (!busy) {
                return;
            }
        }
    }

    private void checkBetweenSteps() {
        if (events.nowMillis() % 10 == 0) {
            for (DriverSimNode node : nodes.values()) {
                if (node.isUp()) {
                    checker.checkRecoverable(node.id);
                }
            }
        }
        if (events.nowMillis() % 50 == 0) {
            checker.checkLogMatching();
        }
    }

    // ---------------------------------------------------------------- clients

    List<DriverSimNode> leaders() {
        List<DriverSimNode> leaders = new ArrayList<>();
        for (DriverSimNode node : nodes.values()) {
            if (node.isRunning() && node.status().role() == Role.LEADER) {
                leaders.add(node);
            }
        }
        return leaders;
    }

    /** Mostly a member that believes it leads, sometimes any member that is up (it answers with a leader hint). */
    DriverSimNode pickTarget() {
        List<DriverSimNode> leaders = leaders();
        if (!leaders.isEmpty() && random.nextInt(8) != 0) {
            return leaders.get(random.nextInt(leaders.size()));
        }
        List<DriverSimNode> up = nodes.values().stream().filter(DriverSimNode::isUp).toList();
        return up.isEmpty() ? null : up.get(random.nextInt(up.size()));
    }

    /** Proposes one to four commands at once (the driver packs commands queued together into one batch). */
    void propose() {
        DriverSimNode target = pickTarget();
        if (target == null) {
            return;
        }
        int count = random.nextInt(4) == 0 ? 1 + random.nextInt(4) : 1;
        for (int i = 0; i < count; i++) {
            propose(target);
        }
    }

    /** Proposes a unique {@code key=value} command on {@code target}; the answer is checked when it comes. */
    CompletableFuture<HashKvStateMachine.Applied> propose(DriverSimNode target) {
        String command = "k" + random.nextInt(KEYS) + "=v" + (++commandCounter);
        String targetId = target.id;
        return target.server.propose(command.getBytes(StandardCharsets.UTF_8)).whenComplete((applied, error) ->
                guard(() -> checker.proposalAnswered(targetId, command, applied, error)));
    }

    void read() {
        DriverSimNode target = pickTarget();
        if (target != null) {
            read(target, random.nextInt(6) != 0);
        }
    }

    /** A read of one key; a linearizable one must see everything acknowledged or committed before it started. */
    CompletableFuture<HashKvStateMachine.ReadResult> read(DriverSimNode target,
                                                                              boolean linearizable) {
        String key = "k" + random.nextInt(KEYS);
        long floor = checker.readFloor();
        HashKvStateMachine machine = target.machine;
        String targetId = target.id;
        return target.server.read(() -> machine.readKey(key),
                linearizable ? ReadConsistency.LINEARIZABLE : ReadConsistency.STALE).whenComplete((result, error) ->
                guard(() -> {
                    if (linearizable) {
                        checker.readAnswered(targetId, floor, result, error);
                    } else if (error != null) {
                        checker.requireOperatingError(targetId, "stale read", error);
                    }
                }));
    }

    // ---------------------------------------------------------------- faults

    @Override
    public void crashLeader() {
        List<DriverSimNode> leaders = leaders();
        if (!leaders.isEmpty()) {
            crashSoon(leaders.get(random.nextInt(leaders.size())));
        }
    }

    @Override
    public void crashRandomNode() {
        List<DriverSimNode> up = nodes.values().stream().filter(DriverSimNode::isUp).toList();
        if (!up.isEmpty()) {
            crashSoon(up.get(random.nextInt(up.size())));
        }
    }

    /**
     * Kills the process during the next millisecond's events: after some of what arrived for it (messages, a copied
     * snapshot, a written snapshot file) was handed over and before its driver took any of it.
     */
    private void crashSoon(DriverSimNode node) {
        int incarnation = node.incarnation;
        int downMillis = 20 + random.nextInt(600);
        events.at(events.nowMillis() + 1, () -> {
            if (node.isUp() && node.incarnation == incarnation) {
                crash(node, downMillis);
            }
        });
    }

    @Override
    public void pauseLeader() {
        List<DriverSimNode> leaders = leaders();
        if (!leaders.isEmpty()) {
            DriverSimNode leader = leaders.get(random.nextInt(leaders.size()));
            if (random.nextBoolean()) {
                // Cut off as well: when it resumes, nothing tells it about a newer leader but its own clock.
                isolate(leader);
            }
            pause(leader, 50 + random.nextInt(750));
        }
    }

    @Override
    public void pauseRandomNode() {
        List<DriverSimNode> running = nodes.values().stream().filter(DriverSimNode::isRunning).toList();
        if (!running.isEmpty()) {
            pause(running.get(random.nextInt(running.size())), 50 + random.nextInt(750));
        }
    }

    @Override
    public void isolateLeader() {
        for (DriverSimNode leader : leaders()) {
            isolate(leader);
        }
    }

    private void isolate(DriverSimNode node) {
        for (String other : disks.keySet()) {
            if (!other.equals(node.id)) {
                network.block(node.id, other);
                network.block(other, node.id);
            }
        }
        record("isolate " + node.id);
    }

    @Override
    public void partitionRandomly() {
        network.healLinks();
        List<String> ids = new ArrayList<>(nodes.keySet());
        List<String> side = ids.stream().filter(id -> random.nextBoolean()).toList();
        for (String a : ids) {
            for (String b : ids) {
                if (side.contains(a) != side.contains(b)) {
                    network.block(a, b);
                }
            }
        }
        record("partition " + side + " | rest");
    }

    @Override
    public void cutOneWayLink() {
        List<String> ids = new ArrayList<>(nodes.keySet());
        String from = ids.get(random.nextInt(ids.size()));
        String to = ids.get(random.nextInt(ids.size()));
        if (!from.equals(to)) {
            network.block(from, to);
            record("cut link " + from + " -> " + to);
        }
    }

    @Override
    public void degradeNetwork(Random schedule) {
        setNetwork(schedule.nextInt(4) * 0.1, schedule.nextInt(3) * 0.05, 2 + schedule.nextInt(30),
                schedule.nextInt(3) * 0.1);
    }

    @Override
    public void heal() {
        network.healLinks();
        record("heal network");
    }

    void setNetwork(double dropRate, double duplicateRate, int maxDelayMillis, double chunkFailureRate) {
        network.dropRate = dropRate;
        network.duplicateRate = duplicateRate;
        network.maxDelayMillis = maxDelayMillis;
        network.chunkFailureRate = chunkFailureRate;
        record("network drop=" + dropRate + " dup=" + duplicateRate + " maxDelay=" + maxDelayMillis + "ms chunkFail="
                + chunkFailureRate);
    }

    /** Through the driver's own request path: a named voter, or the most caught-up one ({@code null}). */
    @Override
    public void transferLeadershipRandomly() {
        for (DriverSimNode leader : leaders()) {
            List<String> voters = new ArrayList<>(leader.status().configuration().voterIds());
            String target = random.nextInt(3) == 0 ? null : voters.get(random.nextInt(voters.size()));
            String leaderId = leader.id;
            record("transfer " + leader.id + " -> " + (target == null ? "most caught-up voter" : target));
            leader.server.transferLeadership(target).whenComplete((done, error) -> guard(() -> {
                if (error == null) {
                    transfersCompleted++;
                } else {
                    checker.requireOperatingError(leaderId, "leadership transfer", error);
                }
            }));
        }
    }

    /** Grows by a learner, promotes a learner (refused until it caught up), or removes a voter; one at a time. */
    @Override
    public void changeMembershipRandomly() {
        List<DriverSimNode> leaders = leaders();
        if (leaders.isEmpty()) {
            return;
        }
        DriverSimNode leader = leaders.get(0);
        Configuration configuration = leader.status().configuration();
        List<Member> learners = configuration.members().stream().filter(member -> !member.voter()).toList();
        CompletableFuture<Void> change;
        if (!learners.isEmpty()) {
            String id = learners.get(0).id();
            record("promote " + id);
            change = leader.server.promote(id);
        } else if (configuration.voterIds().size() <= 3 || random.nextBoolean()) {
            String id = "n" + nextSpareNumber++;
            start(addNode(id, Configuration.EMPTY));
            record("add learner " + id);
            change = leader.server.addLearner(id, id + ":7000");
        } else {
            List<String> voters = new ArrayList<>(configuration.voterIds());
            String victim = voters.get(random.nextInt(voters.size()));
            removedPendingShutdown.add(victim);
            record("remove " + victim);
            change = leader.server.removeMember(victim);
        }
        String leaderId = leader.id;
        change.whenComplete((done, error) -> guard(() -> {
            if (error == null) {
                membershipChangesCommitted++;
            } else {
                checker.requireOperatingError(leaderId, "membership change", error);
            }
        }));
    }

    /** Operators shut a removed member down once every leader's committed configuration lacks it. */
    private void shutDownRemovedMembers() {
        List<DriverSimNode> leaders = leaders();
        if (leaders.isEmpty()) {
            return;
        }
        for (String id : List.copyOf(removedPendingShutdown)) {
            boolean removed = leaders.stream().map(DriverSimNode::status).noneMatch(status ->
                    status.configuration().contains(id) || status.commitIndex() < status.lastIndex());
            DriverSimNode node = nodes.get(id);
            if (removed && node != null) {
                if (node.isUp()) {
                    node.server.close();
                }
                node.forgetProcess();
                nodes.remove(id);
                removedPendingShutdown.remove(id);
                record("shut down removed member " + id);
            }
        }
    }

    // ---------------------------------------------------------------- failures

    /** Runs a future's callback: a violation found there must end the run, not vanish into the future. */
    private void guard(Runnable check) {
        try {
            check.run();
        } catch (DriverSimulationFailure violation) {
            if (failure == null) {
                failure = violation;
            }
        }
    }

    private void rethrowFailure() {
        if (failure != null) {
            throw failure;
        }
    }

    DriverSimulationFailure fail(String violation) {
        return fail(violation, null);
    }

    DriverSimulationFailure fail(String violation, Throwable cause) {
        StringBuilder state = new StringBuilder();
        for (DriverSimNode node : nodes.values()) {
            state.append("\n    ").append(node.id).append(": ");
            if (node.isUp()) {
                RaftStatus status = node.status();
                state.append(status.role()).append(" term ").append(status.term()).append(" commit ")
                        .append(status.commitIndex()).append(" applied ").append(status.appliedIndex())
                        .append(" log (").append(status.logStartIndex()).append(", ").append(status.lastIndex())
                        .append("]").append(node.pausedUntilMillis >= 0 ? " paused" : "");
            } else {
                state.append("down");
            }
        }
        DriverSimulationFailure violationFound = new DriverSimulationFailure(seed,
                "at " + events.nowMillis() + "ms: " + violation, state.toString(), String.join("\n", trace), cause);
        if (failure == null) {
            failure = violationFound;
        }
        throw violationFound;
    }

    void record(String event) {
        if (trace.size() >= TRACE_EVENTS_KEPT) {
            trace.pollFirst();
        }
        trace.addLast("    " + events.nowMillis() + "ms " + event);
    }

    @Override
    public void close() {
        deleteRecursively(root);
    }

    private static void deleteRecursively(Path path) {
        try (var paths = Files.walk(path)) {
            for (Path each : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(each);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the simulation directory " + path, e);
        }
    }
}
