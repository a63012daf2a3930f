package io.boxoffice.raft.sim;

import io.boxoffice.raft.core.ConfigChange;
import io.boxoffice.raft.core.Configuration;
import io.boxoffice.raft.core.Entry;
import io.boxoffice.raft.core.EntryKind;
import io.boxoffice.raft.core.Member;
import io.boxoffice.raft.core.RaftConfig;
import io.boxoffice.raft.core.ReadState;
import io.boxoffice.raft.core.Ready;
import io.boxoffice.raft.core.Role;
import io.boxoffice.raft.core.LogStart;
import io.boxoffice.raft.core.SnapshotFetch;
import io.boxoffice.raft.core.SnapshotMeta;
import io.boxoffice.raft.core.message.Message;
import io.boxoffice.raft.errors.RaftException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;

/**
 * A whole Raft cluster driven from one seed: simulated time, a lossy reordering network,
 * partitions, crashes that lose unsynced writes, restarts, leadership transfers, membership changes
 * and snapshots (taken at random, kept with a random number of catch-up entries, copied by lagging
 * followers over a copy that may fail or find the snapshot replaced). The production {@code RaftNode}
 * runs unchanged; only clock, network and disk are simulated. After every step the safety properties of
 * Figure 3 of the Raft paper are checked.
 */
final class SimCluster implements SimFaults {

    static final int TICK_MILLIS = 10;
    static final int TRACE_EVENTS_KEPT = 300;

    private final long seed;
    private final Random random;
    private final Map<String, SimNode> nodes = new LinkedHashMap<>();
    private final PriorityQueue<InFlight> network = new PriorityQueue<>();
    private final PriorityQueue<Copy> copies = new PriorityQueue<>();
    private final Set<String> blockedLinks = new HashSet<>();
    private long nowMillis;
    private long messageSequence;
    private int nextSpareNumber;

    // Fault intensity, changed by the schedule.
    double dropRate = 0.05;
    double copyFailureRate = 0.1;
    double duplicateRate = 0.02;
    int maxDelayMillis = 12;

    // Invariant bookkeeping.
    private final Map<Long, String> leaderByTerm = new HashMap<>();
    private final Map<Long, Long> committedTermByIndex = new HashMap<>();
    /**
     * The term in which each index was first seen committed: the current term of the first node that reported
     * it committed (it learnt so from a leader of that term, or was that leader). Leader Completeness binds the
     * leaders of later terms only.
     */
    private final Map<Long, Long> committedInTermByIndex = new HashMap<>();
    private final Map<Long, Integer> committedDataHashByIndex = new HashMap<>();
    private final Map<Long, Long> appliedHashByIndex = new HashMap<>();
    private final Map<String, Long> leaderTermChecked = new HashMap<>();
    private final ArrayDeque<String> trace = new ArrayDeque<>();
    private long proposalsAccepted;
    private long snapshotsInstalled;
    private long highestCommitSeen;
    private final int leaseMarginTicks;
    /** For each read in progress: the highest index known committed when it started (§6.4: it must see that). */
    private final Map<Long, Long> readStartCommit = new HashMap<>();
    private long readsServed;

    SimCluster(long seed, int voterCount) {
        this.seed = seed;
        // Half the seeds run with lease reads (a margin of 2 of 10 ticks), half with ReadIndex rounds only.
        this.leaseMarginTicks = Math.floorMod(seed, 4) < 2 ? 2 : 0;
        this.random = new Random(seed);
        List<Member> members = new ArrayList<>();
        for (int i = 1; i <= voterCount; i++) {
            members.add(new Member("n" + i, "n" + i + ":7000", true));
        }
        nextSpareNumber = voterCount + 1;
        Configuration bootstrap = new Configuration(members);
        for (Member m : members) {
            SimNode node = new SimNode(m.id());
            nodes.put(m.id(), node);
            node.start(raftConfig(m.id()), new Random(random.nextLong()), bootstrap);
        }
    }

    RaftConfig raftConfig(String id) {
        // Small batches so that pipelining limits are exercised.
        return RaftConfig.defaults(id).withElectionTimeoutTicks(ELECTION_TIMEOUT_TICKS).withHeartbeatIntervalTicks(1)
                .withLimits(4, 3, 4096).withLeaseMarginTicks(leaseMarginTicks);
    }

    static final int ELECTION_TIMEOUT_TICKS = 10;

    long readsServed() {
        return readsServed;
    }

    boolean leaseReads() {
        return leaseMarginTicks > 0;
    }

    long nowMillis() {
        return nowMillis;
    }

    long proposalsAccepted() {
        return proposalsAccepted;
    }

    int termsWithLeader() {
        return leaderByTerm.size();
    }

    long highestCommitSeen() {
        return highestCommitSeen;
    }

    long snapshotsInstalled() {
        return snapshotsInstalled;
    }

    // ---------------------------------------------------------------- the step loop

    /** Advances simulated time by one millisecond. */
    void step() {
        nowMillis++;
        List<SimNode> resumed = resumeDuePauses();
        deliverDueMessages();
        finishDueCopies();
        for (SimNode node : nodes.values()) {
            if (!node.isUp() && node.restartAtMillis >= 0 && nowMillis >= node.restartAtMillis) {
                restart(node);
            }
        }
        for (SimNode node : resumed) {
            catchUpTicks(node);
            if (node.raft.role() == Role.LEADER) {
                // A client's read that queued up during the pause is served right after the catch-up.
                readIndexOn(node);
            }
        }
        for (SimNode node : nodes.values()) {
            // Each node ticks on its own phase, so clocks are not in lockstep.
            if (node.isRunning() && (nowMillis + Math.abs(node.id.hashCode())) % TICK_MILLIS == 0) {
                node.raft.tick();
            }
        }
        for (SimNode node : nodes.values()) {
            processReadies(node);
        }
        checkInvariants();
    }

    private List<SimNode> resumeDuePauses() {
        List<SimNode> resumed = new ArrayList<>();
        for (SimNode node : nodes.values()) {
            if (node.isUp() && node.pausedUntilMillis >= 0 && nowMillis >= node.pausedUntilMillis) {
                node.pausedUntilMillis = -1;
                resumed.add(node);
                record("resume " + node.id + " after " + (nowMillis - node.pausedAtMillis) + "ms");
            }
        }
        return resumed;
    }

    /**
     * What RaftDriver does after a stall, once the waiting messages are stepped: one tick that reports all
     * the time that passed, so a leader's lease runs out in real time.
     */
    private void catchUpTicks(SimNode node) {
        long missedTicks = (nowMillis - node.pausedAtMillis) / TICK_MILLIS;
        if (missedTicks > 0) {
            node.raft.tick(missedTicks);
        }
    }

    void pause(SimNode node, int millis) {
        node.pausedAtMillis = nowMillis;
        node.pausedUntilMillis = nowMillis + millis;
        record("pause " + node.id + " (" + node.raft.role() + ") for " + millis + "ms");
    }

    @Override
    public void pauseLeader() {
        List<SimNode> leaders = leaders();
        if (!leaders.isEmpty()) {
            SimNode leader = leaders.get(random.nextInt(leaders.size()));
            if (random.nextBoolean()) {
                // Cut off as well: when it resumes, nothing tells it about a newer leader but its own clock.
                isolate(leader);
            }
            pause(leader, 50 + random.nextInt(750));
        }
    }

    @Override
    public void pauseRandomNode() {
        List<SimNode> running = nodes.values().stream().filter(SimNode::isRunning).toList();
        if (!running.isEmpty()) {
            pause(running.get(random.nextInt(running.size())), 50 + random.nextInt(750));
        }
    }

    private void deliverDueMessages() {
        // Bounded: at most the messages in flight right now.
        int budget = network.size();
        while (budget-- > 0 && !network.isEmpty() && network.peek().deliverAtMillis <= nowMillis) {
            InFlight f = network.poll();
            SimNode to = nodes.get(f.message.to());
            if (to != null && to.isUp() && to.pausedUntilMillis >= 0) {
                // A paused process reads its socket when it resumes.
                network.add(new InFlight(to.pausedUntilMillis, messageSequence++, f.message));
                continue;
            }
            if (to == null || !to.isUp() || blockedLinks.contains(link(f.message.from(), f.message.to()))) {
                continue;
            }
            to.raft.step(f.message);
        }
    }

    private void processReadies(SimNode node) {
        for (int rounds = 0; rounds < 100 && node.isRunning() && node.raft.hasReady(); rounds++) {
            Ready ready = node.raft.ready();
            if (ready.needsPersist() && random.nextDouble() < crashDuringPersistRate) {
                // The process dies before its write reached the disk: the batch, and the
                // messages that depended on it, are lost.
                record(node.id + " crashed before persisting " + ready.entriesToPersist().size() + " entries");
                crash(node, 50 + random.nextInt(400));
                return;
            }
            byte[] installedData = ready.snapshotToInstall() == null ? null : node.copiedSnapshotData;
            try {
                node.disk.write(ready.hardState(), ready.entriesToPersist(), ready.snapshotToInstall(), installedData);
            } catch (AssertionError e) {
                fail(node.id + " wrote an impossible batch: " + e.getMessage());
            }
            for (Message m : ready.messages()) {
                sendOverNetwork(m);
            }
            checkReads(node, ready);
            if (ready.snapshotToInstall() != null) {
                SnapshotMeta meta = ready.snapshotToInstall();
                node.stateMachine.restore(installedData);
                if (node.stateMachine.appliedIndex != meta.index()) {
                    fail(node.id + " installed snapshot " + meta + " whose state is at " + node.stateMachine.appliedIndex);
                }
                checkAppliedHash(node, meta.index());
                node.appliedConfiguration = meta.configuration();
                node.copiedSnapshotData = null;
                node.appliedSinceSnapshot = 0;
                snapshotsInstalled++;
                record(node.id + " installed snapshot " + meta);
            }
            for (Entry e : ready.committedEntries()) {
                applyEntry(node, e);
            }
            if (ready.snapshotToFetch() != null) {
                startCopy(node, ready.snapshotToFetch());
            }
            node.raft.advance(ready);
            maybeCompact(node);
        }
    }

    double crashDuringPersistRate = 0.0;

    private void applyEntry(SimNode node, Entry e) {
        Long committedTerm = committedTermByIndex.get(e.index());
        if (committedTerm != null && committedTerm != e.term()) {
            fail("State Machine Safety: " + node.id + " applies " + e + " but " + committedTerm
                    + " was committed at that index");
        }
        if (e.kind() == EntryKind.COMMAND) {
            node.stateMachine.apply(e.index(), e.data());
        } else {
            node.stateMachine.skip(e.index());
            if (e.kind() == EntryKind.CONFIG) {
                node.appliedConfiguration = Configuration.decode(e.data());
            }
        }
        checkAppliedHash(node, e.index());
        node.appliedSinceSnapshot++;
    }

    private void checkAppliedHash(SimNode node, long index) {
        Long expected = appliedHashByIndex.putIfAbsent(index, node.stateMachine.hash);
        if (expected != null && expected != node.stateMachine.hash) {
            fail("State Machine Safety: " + node.id + " has state " + node.stateMachine.hash + " after index "
                    + index + ", another replica had " + expected);
        }
    }

    /** Takes a snapshot now and then, keeping a random number of catch-up entries below it in the log. */
    private void maybeCompact(SimNode node) {
        if (node.appliedSinceSnapshot >= 25 && random.nextDouble() < 0.3) {
            long index = node.stateMachine.appliedIndex;
            SnapshotMeta meta = new SnapshotMeta(index, node.raft.termAt(index), node.appliedConfiguration);
            byte[] data = node.stateMachine.snapshot();
            LogStart start = node.raft.compact(meta, index - random.nextInt(20));
            node.disk.compact(meta, data, start);
            node.appliedSinceSnapshot = 0;
        }
    }

    /** A follower copies the snapshot its leader offered: it takes a while, may fail, may find it replaced. */
    private void startCopy(SimNode node, SnapshotFetch fetch) {
        copies.add(new Copy(nowMillis + 1 + random.nextInt(60), messageSequence++, node.id, node.incarnation, fetch));
        record(node.id + " copies snapshot " + fetch.meta().index() + " from " + fetch.sourceId());
    }

    private void finishDueCopies() {
        while (!copies.isEmpty() && copies.peek().doneAtMillis <= nowMillis) {
            Copy copy = copies.poll();
            SimNode node = nodes.get(copy.nodeId);
            if (node == null || !node.isUp() || node.incarnation != copy.incarnation) {
                continue; // The copying process is gone.
            }
            if (node.pausedUntilMillis >= 0) {
                copies.add(new Copy(node.pausedUntilMillis, copy.sequence(), copy.nodeId(), copy.incarnation(), copy.fetch()));
                continue;
            }
            SimNode source = nodes.get(copy.fetch.sourceId());
            boolean copied = source != null && source.isUp() && copy.fetch.meta().equals(source.disk.snapshot)
                    && !blockedLinks.contains(link(copy.nodeId, source.id))
                    && random.nextDouble() >= copyFailureRate;
            if (copied) {
                node.copiedSnapshotData = source.disk.snapshotData.clone();
            }
            boolean installing = node.raft.snapshotFetched(copy.fetch.meta(), copied);
            if (!installing) {
                node.copiedSnapshotData = null;
            }
            record(node.id + (copied ? " copied" : " failed to copy") + " snapshot " + copy.fetch.meta().index()
                    + (installing ? ", installing" : ""));
        }
    }

    private void sendOverNetwork(Message m) {
        if (random.nextDouble() < dropRate) {
            return;
        }
        int copies = random.nextDouble() < duplicateRate ? 2 : 1;
        for (int i = 0; i < copies; i++) {
            long delay = 1 + random.nextInt(maxDelayMillis);
            if (random.nextDouble() < 0.02) {
                delay += random.nextInt(100); // a slow message, overtaken by later ones
            }
            network.add(new InFlight(nowMillis + delay, messageSequence++, m));
        }
    }

    // ---------------------------------------------------------------- client actions

    /** Proposes a command to a node that believes it leads. Returns whether one accepted it. */
    boolean proposeToSomeLeader() {
        List<SimNode> leaders = leaders();
        if (leaders.isEmpty()) {
            return false;
        }
        SimNode leader = leaders.get(random.nextInt(leaders.size()));
        byte[] command = new byte[8 + random.nextInt(40)];
        random.nextBytes(command);
        try {
            if (random.nextInt(4) == 0) {
                leader.raft.proposeBatch(List.of(command, command.clone(), new byte[] {1, 2, 3}));
            } else {
                leader.raft.propose(command);
            }
            proposalsAccepted++;
            return true;
        } catch (RaftException expected) {
            return false;
        }
    }

    void readIndexOnSomeLeader() {
        for (SimNode leader : leaders()) {
            readIndexOn(leader);
        }
    }

    private void readIndexOn(SimNode leader) {
        long readId = random.nextLong();
        readStartCommit.put(readId, highestCommitSeen);
        try {
            leader.raft.readIndex(readId);
        } catch (RaftException expected) {
            // Not leader any more or too many reads: both fine here.
            readStartCommit.remove(readId);
        }
    }

    /**
     * Linearizable reads (§6.4, lease reads §6.4.1): a read may be answered at an index no lower than every
     * index known committed when it started, or a stale leader would answer from an old state.
     */
    private void checkReads(SimNode node, Ready ready) {
        for (ReadState read : ready.readStates()) {
            Long startCommit = readStartCommit.remove(read.readId());
            if (startCommit != null && read.index() < startCommit) {
                fail("linearizable read: " + node.id + " answered read " + read.readId() + " at index " + read.index()
                        + " but index " + startCommit + " was committed before the read started");
            }
            readsServed++;
        }
        for (Long failed : ready.failedReads()) {
            readStartCommit.remove(failed);
        }
    }

    List<SimNode> leaders() {
        List<SimNode> leaders = new ArrayList<>();
        for (SimNode n : nodes.values()) {
            if (n.isRunning() && n.raft.role() == Role.LEADER) {
                leaders.add(n);
            }
        }
        return leaders;
    }

    // ---------------------------------------------------------------- faults

    void crash(SimNode node, int downMillis) {
        node.crash();
        node.restartAtMillis = nowMillis + downMillis;
        record("crash " + node.id + " for " + downMillis + "ms");
    }

    @Override
    public void crashLeader() {
        List<SimNode> leaders = leaders();
        if (!leaders.isEmpty()) {
            crash(leaders.get(random.nextInt(leaders.size())), 20 + random.nextInt(600));
        }
    }

    /** Cuts the current leader off from everyone, both ways. */
    @Override
    public void isolateLeader() {
        for (SimNode leader : leaders()) {
            isolate(leader);
        }
    }

    private void isolate(SimNode node) {
        for (String other : nodes.keySet()) {
            if (!other.equals(node.id)) {
                blockedLinks.add(link(node.id, other));
                blockedLinks.add(link(other, node.id));
            }
        }
        record("isolate " + node.id);
    }

    @Override
    public void crashRandomNode() {
        List<SimNode> up = upNodes();
        if (!up.isEmpty()) {
            crash(up.get(random.nextInt(up.size())), 20 + random.nextInt(600));
        }
    }

    private void restart(SimNode node) {
        node.restartAtMillis = -1;
        node.start(raftConfig(node.id), new Random(random.nextLong()), node.bootstrap);
        leaderTermChecked.remove(node.id);
        record("restart " + node.id + " from " + node.disk.hardState + " last=" + node.disk.lastIndex());
    }

    @Override
    public void partitionRandomly() {
        blockedLinks.clear();
        List<String> ids = new ArrayList<>(nodes.keySet());
        Set<String> side = new HashSet<>();
        for (String id : ids) {
            if (random.nextBoolean()) {
                side.add(id);
            }
        }
        for (String a : ids) {
            for (String b : ids) {
                if (side.contains(a) != side.contains(b)) {
                    blockedLinks.add(link(a, b));
                }
            }
        }
        record("partition " + side + " | rest");
    }

    @Override
    public void cutOneWayLink() {
        List<String> ids = new ArrayList<>(nodes.keySet());
        String a = ids.get(random.nextInt(ids.size()));
        String b = ids.get(random.nextInt(ids.size()));
        if (!a.equals(b)) {
            blockedLinks.add(link(a, b));
            record("cut link " + a + " -> " + b);
        }
    }

    @Override
    public void degradeNetwork(Random schedule) {
        dropRate = schedule.nextInt(4) * 0.1;
        duplicateRate = schedule.nextInt(3) * 0.05;
        maxDelayMillis = 2 + schedule.nextInt(30);
        record("network drop=" + dropRate + " dup=" + duplicateRate + " maxDelay=" + maxDelayMillis);
    }

    @Override
    public void heal() {
        blockedLinks.clear();
        record("heal network");
    }

    @Override
    public void transferLeadershipRandomly() {
        for (SimNode leader : leaders()) {
            List<String> voters = new ArrayList<>(leader.raft.configuration().voterIds());
            String target = voters.get(random.nextInt(voters.size()));
            try {
                leader.raft.transferLeadership(target);
                record("transfer " + leader.id + " -> " + target);
            } catch (RaftException expected) {
                // Target not a voter any more, or not leader: fine.
            }
        }
    }

    /** Grows by a learner, promotes caught-up learners, or removes a voter (one change at a time). */
    @Override
    public void changeMembershipRandomly() {
        List<SimNode> leaders = leaders();
        if (leaders.isEmpty()) {
            return;
        }
        SimNode leader = leaders.get(0);
        Configuration config = leader.raft.configuration();
        try {
            List<Member> learners = config.members().stream().filter(m -> !m.voter()).toList();
            if (!learners.isEmpty()) {
                leader.raft.proposeConfigChange(new ConfigChange.Promote(learners.get(0).id()));
                record("promote " + learners.get(0).id());
            } else if (config.voterIds().size() <= 3 || random.nextBoolean()) {
                String id = "n" + nextSpareNumber;
                leader.raft.proposeConfigChange(new ConfigChange.AddLearner(id, id + ":7000"));
                nextSpareNumber++;
                SimNode fresh = new SimNode(id);
                nodes.put(id, fresh);
                fresh.start(raftConfig(id), new Random(random.nextLong()), Configuration.EMPTY);
                record("add learner " + id);
            } else {
                List<String> voters = new ArrayList<>(config.voterIds());
                String victim = voters.get(random.nextInt(voters.size()));
                leader.raft.proposeConfigChange(new ConfigChange.Remove(victim));
                removedPendingShutdown.add(victim);
                record("remove " + victim);
            }
        } catch (RaftException expected) {
            // A change is pending or the learner is not caught up: try again later.
        }
    }

    private final Set<String> removedPendingShutdown = new HashSet<>();

    /** Operators shut a removed member down once its removal is committed. */
    private void shutDownRemovedMembers() {
        List<SimNode> leaders = leaders();
        if (leaders.isEmpty()) {
            return;
        }
        for (String id : new ArrayList<>(removedPendingShutdown)) {
            boolean committedRemoval = true;
            for (SimNode leader : leaders) {
                if (leader.raft.configuration().contains(id)
                        || leader.raft.commitIndex() < leader.raft.lastIndex()) {
                    committedRemoval = false;
                }
            }
            SimNode node = nodes.get(id);
            if (committedRemoval && node != null) {
                node.crash();
                node.restartAtMillis = -1;
                nodes.remove(id);
                removedPendingShutdown.remove(id);
                record("shut down removed member " + id);
            }
        }
    }

    @Override
    public void restartEveryone() {
        for (SimNode node : nodes.values()) {
            if (!node.isUp()) {
                restart(node);
            }
        }
    }

    List<SimNode> upNodes() {
        return nodes.values().stream().filter(SimNode::isUp).toList();
    }

    // ---------------------------------------------------------------- invariants

    private void checkInvariants() {
        shutDownRemovedMembers();
        for (SimNode node : nodes.values()) {
            if (!node.isUp()) {
                continue;
            }
            if (node.raft.role() == Role.LEADER) {
                long term = node.raft.currentTerm();
                String previous = leaderByTerm.putIfAbsent(term, node.id);
                if (previous != null && !previous.equals(node.id)) {
                    fail("Election Safety: both " + previous + " and " + node.id + " lead term " + term);
                }
                if (!Long.valueOf(term).equals(leaderTermChecked.get(node.id))) {
                    checkLeaderCompleteness(node);
                    leaderTermChecked.put(node.id, term);
                }
            }
            recordCommitted(node);
        }
        if (nowMillis % 50 == 0) {
            checkLogMatching();
        }
    }

    /** Records entries a node reports committed; a second, different entry at an index is a violation. */
    private void recordCommitted(SimNode node) {
        long commit = Math.min(node.raft.commitIndex(), node.disk.lastIndex());
        highestCommitSeen = Math.max(highestCommitSeen, commit);
        for (long i = Math.max(node.disk.startIndex() + 1, commit - 50); i <= commit; i++) {
            Entry e = node.disk.entryAt(i);
            Long term = committedTermByIndex.putIfAbsent(i, e.term());
            committedInTermByIndex.putIfAbsent(i, node.raft.currentTerm());
            Integer dataHash = committedDataHashByIndex.putIfAbsent(i, Arrays.hashCode(e.data()));
            if ((term != null && term != e.term()) || (dataHash != null && dataHash != Arrays.hashCode(e.data()))) {
                fail("State Machine Safety: " + node.id + " committed " + e + " at an index where term " + term
                        + " was committed");
            }
        }
    }

    /**
     * §5.4 Leader Completeness: the leader of a term holds every entry committed in an earlier term. A stale
     * leader (votes granted long ago reach a candidate only now, with later terms already under way) need not
     * hold what those later terms committed.
     */
    private void checkLeaderCompleteness(SimNode leader) {
        for (Map.Entry<Long, Long> c : committedTermByIndex.entrySet()) {
            long index = c.getKey();
            if (index <= leader.disk.startIndex()
                    || committedInTermByIndex.get(index) >= leader.raft.currentTerm()) {
                continue;
            }
            long term = index <= leader.raft.lastIndex() ? leader.raft.termAt(index) : -1;
            if (term != c.getValue()) {
                fail("Leader Completeness: " + leader.id + " leads term " + leader.raft.currentTerm()
                        + " but has term " + term + " at committed index " + index + " (committed term "
                        + c.getValue() + ")");
            }
        }
    }

    /** §5.3 Log Matching: same index and term implies identical logs up to that index. */
    private void checkLogMatching() {
        List<SimNode> list = new ArrayList<>(nodes.values());
        for (int a = 0; a < list.size(); a++) {
            for (int b = a + 1; b < list.size(); b++) {
                SimDisk x = list.get(a).disk;
                SimDisk y = list.get(b).disk;
                long low = Math.max(x.startIndex(), y.startIndex()) + 1;
                long high = Math.min(x.lastIndex(), y.lastIndex());
                long matchedUpTo = -1;
                for (long i = high; i >= low; i--) {
                    if (x.termAt(i) == y.termAt(i)) {
                        matchedUpTo = i;
                        break;
                    }
                }
                for (long i = low; i <= matchedUpTo; i++) {
                    if (!x.entryAt(i).equals(y.entryAt(i))) {
                        fail("Log Matching: " + list.get(a).id + " and " + list.get(b).id + " agree at index "
                                + matchedUpTo + " but differ at " + i + ": " + x.entryAt(i) + " vs " + y.entryAt(i));
                    }
                }
            }
        }
    }

    /** Every member that is up has applied the same state up to the lowest applied index. */
    void checkReplicasConverged() {
        for (SimNode n : upNodes()) {
            Long expected = appliedHashByIndex.get(n.stateMachine.appliedIndex);
            if (n.stateMachine.appliedIndex > 0 && expected != null && expected != n.stateMachine.hash) {
                fail("replica " + n.id + " diverged at " + n.stateMachine.appliedIndex);
            }
        }
    }

    void record(String event) {
        if (trace.size() >= TRACE_EVENTS_KEPT) {
            trace.pollFirst();
        }
        trace.addLast(nowMillis + "ms " + event);
    }

    void fail(String violation) {
        StringBuilder state = new StringBuilder();
        for (SimNode n : nodes.values()) {
            state.append("\n  ").append(n.id).append(": ").append(n.isUp() ? n.raft.status().toString() : "down");
        }
        throw new SimulationFailure(seed, violation + "\n  nodes:" + state, String.join("\n", trace));
    }

    private static String link(String from, String to) {
        return from + "->" + to;
    }

    private record Copy(long doneAtMillis, long sequence, String nodeId, int incarnation, SnapshotFetch fetch)
            implements Comparable<Copy> {
        @Override
        public int compareTo(Copy o) {
            int c = Long.compare(doneAtMillis, o.doneAtMillis);
            return c != 0 ? c : Long.compare(sequence, o.sequence);
        }
    }

    private record InFlight(long deliverAtMillis, long sequence, Message message) implements Comparable<InFlight> {
        @Override
        public int compareTo(InFlight o) {
            int c = Long.compare(deliverAtMillis, o.deliverAtMillis);
            return c != 0 ? c : Long.compare(sequence, o.sequence);
        }
    }

    /** A violated invariant, with the seed that replays it and the last events before it. */
    static final class SimulationFailure extends AssertionError {
        final long seed;

        SimulationFailure(long seed, String violation, String trace) {
            super(violation + "\n  replay with: ./mvnw -pl raft -am test -Dtest=RaftSimulationTest#replay"
                    + " -Dsurefire.failIfNoSpecifiedTests=false -Dsim.seed=" + seed + "\n  last events:\n" + trace);
            this.seed = seed;
        }
    }
}
