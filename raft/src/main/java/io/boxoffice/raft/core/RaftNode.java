package io.boxoffice.raft.core;

import io.boxoffice.raft.core.message.AppendEntries;
import io.boxoffice.raft.core.message.AppendEntriesResponse;
import io.boxoffice.raft.core.message.InstallSnapshot;
import io.boxoffice.raft.core.message.InstallSnapshotResponse;
import io.boxoffice.raft.core.message.Message;
import io.boxoffice.raft.core.message.RequestVote;
import io.boxoffice.raft.core.message.RequestVoteResponse;
import io.boxoffice.raft.core.message.TimeoutNow;
import io.boxoffice.raft.errors.NotLeaderException;
import io.boxoffice.raft.errors.ProposalRejectedException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * A deterministic Raft node: leader election with pre-vote and check-quorum, log replication with
 * batching, pipelining and flow control, snapshots (offered, fetched and installed), leadership
 * transfer, ReadIndex and single-server membership changes with learners.
 *
 * <p>It does no I/O and owns no thread, clock or randomness: time advances by {@link #tick()},
 * input arrives through {@link #step(Message)} and the client methods, and output leaves as a
 * {@link Ready} that the driver must persist, send, apply and then {@link #advance(Ready)}.
 * Section numbers refer to the Raft paper (§) and, where noted, Ongaro's dissertation.
 *
 * <p>Threading: not thread-safe; one driver thread calls every method. Between {@link #ready()}
 * and {@link #advance(Ready)} no other method may be called.
 */
public final class RaftNode {

    /** Upper bound on committed entries handed to the application in one Ready. */
    static final int MAX_APPLY_ENTRIES_PER_READY = 4096;
    /**
     * Upper bound on the payload bytes of the committed entries in one Ready (beyond its first entry), as etcd's
     * MaxCommittedSizePerReady: it bounds the memory of one Ready and the work a driver is handed at once (a
     * follower catching up once applied 1,931 entries in one 13.6 s loop). It does not bound time — entries of a
     * few commands can take 20 ms each under load — which is what the driver's apply budget does. 64 KiB is one
     * entry of the largest batch.
     */
    static final long MAX_APPLY_BYTES_PER_READY = 64 * 1024;
    /** Upper bound on reads waiting for the leader's first commit in its term. */
    static final int MAX_PENDING_READS = 100_000;
    /** Heartbeat rounds whose send tick is kept for lease reads: many election timeouts' worth. */
    static final int ROUNDS_REMEMBERED = 256;

    private final RaftConfig config;
    private final RandomSource random;
    private final String selfId;
    private final RaftLog log;

    // Persistent state (Figure 2).
    private long currentTerm;
    private String votedFor;
    private HardState lastPersistedHardState;

    // Volatile state.
    private Role role = Role.FOLLOWER;
    private String leaderId;
    /** Logical time: ticks since this node started. */
    private long nowTicks;
    private int electionElapsedTicks;
    private int heartbeatElapsedTicks;
    private int randomizedElectionTimeoutTicks;
    /** Why the role or leader last changed, in words, for the driver's log (etcd logs every change with its cause). */
    private String roleChangeReason = "started";

    // Membership (dissertation §4.1: a configuration is used as soon as it is in the log).
    private Configuration baseConfiguration;
    private final TreeMap<Long, Configuration> configurationsByIndex = new TreeMap<>();
    private Configuration configuration;

    // Candidate state.
    private final Set<String> votesGranted = new HashSet<>();
    private final Set<String> votesRejected = new HashSet<>();

    // Leader state.
    private final Map<String, Progress> progressById = new HashMap<>();
    private long pendingConfigIndex;
    private String transferTarget;
    private int transferElapsedTicks;
    private final ArrayDeque<PendingRead> readsAwaitingRound = new ArrayDeque<>();
    private final ArrayDeque<PendingRead> readsAwaitingQuorum = new ArrayDeque<>();
    private long readRound;
    /** (round, tick sent) of this leader's recent heartbeat rounds, oldest first; bounded by {@link #ROUNDS_REMEMBERED}. */
    private final ArrayDeque<long[]> roundsSent = new ArrayDeque<>();
    /** Set once this leader sent TimeoutNow in its term: the target may win at once, so no more lease reads. */
    private boolean leaseForfeited;

    // Snapshots (§7). Their bytes never pass through the core: it deals in metadata only.
    /** The latest snapshot this node holds (taken or installed): what it offers lagging followers. */
    private SnapshotMeta latestSnapshot;
    /** A fetched snapshot to install in the next Ready. */
    private SnapshotMeta snapshotToInstall;
    /** A snapshot copy to start in the next Ready. */
    private SnapshotFetch snapshotToFetch;
    /** The snapshot this follower is copying from its leader, if any. */
    private SnapshotFetch incomingSnapshot;

    // Output accumulated until the next Ready.
    private final List<Message> outbox = new ArrayList<>();
    private final List<ReadState> readStates = new ArrayList<>();
    private final List<Long> failedReads = new ArrayList<>();
    private Ready readyInFlight;

    public RaftNode(RaftConfig config, RandomSource random, InitialState initial) {
        this.config = config.validated();
        this.random = Objects.requireNonNull(random, "random");
        this.selfId = config.selfId();
        LogStart start = initial.effectiveLogStart();
        this.log = new RaftLog(start, initial.entries(), initial.hardState().commitIndex(), initial.appliedIndex());
        this.currentTerm = initial.hardState().term();
        this.votedFor = initial.hardState().votedFor();
        this.lastPersistedHardState = initial.hardState();
        this.latestSnapshot = initial.snapshot();
        if (latestSnapshot == null ? start.index() > 0 : latestSnapshot.index() < start.index()) {
            throw new IllegalStateException("the log is compacted up to " + start.index() + " but the latest snapshot "
                    + "covers only " + (latestSnapshot == null ? 0 : latestSnapshot.index())
                    + ": a lagging follower could never catch up");
        }
        this.baseConfiguration = start.configuration();
        for (Entry e : initial.entries()) {
            if (e.kind() == EntryKind.CONFIG) {
                configurationsByIndex.put(e.index(), Configuration.decode(e.data()));
            }
        }
        recomputeConfiguration();
        resetRandomizedElectionTimeout();
    }

    // ------------------------------------------------------------------ queries

    public String id() {
        return selfId;
    }

    public Role role() {
        return role;
    }

    public long currentTerm() {
        return currentTerm;
    }

    public String leaderId() {
        return leaderId;
    }

    /** Why the role or the known leader last changed, in words (for the driver's log). */
    public String roleChangeReason() {
        return roleChangeReason;
    }

    /** The latest snapshot this node holds (taken or installed), or {@code null}. */
    public SnapshotMeta latestSnapshot() {
        return latestSnapshot;
    }

    public Configuration configuration() {
        return configuration;
    }

    public long commitIndex() {
        return log.commitIndex();
    }

    public long lastIndex() {
        return log.lastIndex();
    }

    /** Term of the entry at {@code index}, or -1 if unknown (compacted or beyond the log). */
    public long termAt(long index) {
        return log.termAt(index);
    }

    public RaftStatus status() {
        List<RaftStatus.PeerProgress> peers = new ArrayList<>();
        if (role == Role.LEADER) {
            for (Member m : configuration.members()) {
                Progress p = progressById.get(m.id());
                if (p != null) {
                    peers.add(new RaftStatus.PeerProgress(m.id(), m.voter(), p.matchIndex, p.nextIndex,
                            p.state.name(), p.inflightLastIndexes.size(), p.recentlyActive));
                }
            }
        }
        return new RaftStatus(selfId, role, currentTerm, leaderId, log.commitIndex(), log.appliedIndex(),
                log.lastIndex(), latestSnapshot == null ? 0 : latestSnapshot.index(), log.startIndex(), configuration,
                peers, transferTarget);
    }

    // ------------------------------------------------------------------ time

    /** Advances logical time by one tick. */
    public void tick() {
        tick(1);
    }

    /**
     * One step of the timers (elections, heartbeats, check-quorum) after {@code elapsedTicks} ticks of real time
     * passed. The timers move one tick per call: after a stall (a GC pause) a node does not fire a burst of
     * timeouts before it has read the messages that waited, so a pause alone does not start elections. The
     * lease clock moves by the full {@code elapsedTicks}, so a leader's lease runs out in real time (§6.4.1).
     */
    public void tick(long elapsedTicks) {
        assertNoReadyInFlight();
        if (elapsedTicks < 1) {
            throw new IllegalArgumentException("elapsedTicks must be >= 1, was " + elapsedTicks);
        }
        nowTicks += elapsedTicks;
        if (role == Role.LEADER) {
            tickLeader();
        } else {
            tickFollowerOrCandidate();
        }
    }

    private void tickFollowerOrCandidate() {
        electionElapsedTicks++;
        if (electionElapsedTicks >= randomizedElectionTimeoutTicks) {
            if (isPromotable()) {
                roleChangeReason = "election timeout: " + (leaderId == null ? "no leader" : "leader " + leaderId)
                        + " heard from in " + electionElapsedTicks + " ticks";
                electionElapsedTicks = 0;
                startElection(false);
            } else {
                electionElapsedTicks = 0;
            }
        }
    }

    private void tickLeader() {
        heartbeatElapsedTicks++;
        electionElapsedTicks++;
        if (transferTarget != null && ++transferElapsedTicks >= config.electionTimeoutTicks()) {
            // §3.10: abort a transfer that did not finish within an election timeout.
            transferTarget = null;
        }
        if (electionElapsedTicks >= config.electionTimeoutTicks()) {
            electionElapsedTicks = 0;
            if (config.checkQuorum() && !quorumRecentlyActive()) {
                // Dissertation §6.2: a leader that cannot reach a majority steps down.
                becomeFollower(currentTerm, null, "check-quorum: no answer from a quorum within an election"
                        + " timeout (" + config.electionTimeoutTicks() + " ticks)");
                return;
            }
            for (Progress p : progressById.values()) {
                p.recentlyActive = false;
            }
        }
        for (Progress p : progressById.values()) {
            if (p.state == Progress.State.REPLICATE && !p.inflightLastIndexes.isEmpty()
                    && ++p.ticksWithoutAck >= Math.max(2, config.electionTimeoutTicks() / 2)) {
                // Pipelined appends were lost (nothing acknowledged them for a while): fall back to
                // probing from the last known match, which re-sends what is missing.
                p.becomeProbe();
            }
            if (p.state == Progress.State.SNAPSHOT
                    && ++p.ticksSinceSnapshotMessage >= config.electionTimeoutTicks()) {
                // No word from the follower for a while (lost offer or answer, a failed copy): offer again,
                // our latest snapshot by now. A follower still copying the same one just says so.
                p.becomeSnapshot(latestSnapshot);
                offerSnapshot(p);
            }
        }
        if (heartbeatElapsedTicks >= config.heartbeatIntervalTicks()) {
            heartbeatElapsedTicks = 0;
            // With lease reads every heartbeat is a round: its acknowledgements extend the lease.
            broadcastHeartbeats(config.leaseReads() ? newRound() : 0, false);
        }
    }

    private boolean quorumRecentlyActive() {
        Set<String> active = new HashSet<>();
        active.add(selfId);
        for (Progress p : progressById.values()) {
            if (p.recentlyActive) {
                active.add(p.id);
            }
        }
        return Quorum.hasMajority(configuration.voterIds(), active);
    }

    // ------------------------------------------------------------------ client requests

    /** Appends one command. See {@link #proposeBatch(List)}. */
    public Proposal propose(byte[] command) {
        return proposeBatch(List.of(command)).get(0);
    }

    /**
     * Appends commands to the leader's log and replicates them in one AppendEntries per follower.
     *
     * @throws NotLeaderException         when not leader, with the known leader
     * @throws ProposalRejectedException  during a leadership transfer, or when more than
     *                                    {@code maxUncommittedEntries} entries are uncommitted
     */
    public List<Proposal> proposeBatch(List<byte[]> commands) {
        assertNoReadyInFlight();
        requireAcceptingProposals(commands.size());
        List<Proposal> proposals = new ArrayList<>(commands.size());
        for (byte[] command : commands) {
            Entry entry = appendAsLeader(EntryKind.COMMAND, command);
            proposals.add(new Proposal(entry.index(), entry.term()));
        }
        broadcastAppends();
        return proposals;
    }

    /**
     * Appends a single-server membership change (dissertation §4.1). Only one change may be
     * uncommitted at a time, and none before the leader committed an entry of its own term.
     */
    public Proposal proposeConfigChange(ConfigChange change) {
        assertNoReadyInFlight();
        requireAcceptingProposals(1);
        if (pendingConfigIndex > log.commitIndex()) {
            throw new ProposalRejectedException("a membership change is already in progress (entry "
                    + pendingConfigIndex + " not yet committed); retry when it is");
        }
        Configuration next = applyChange(change);
        Entry entry = appendAsLeader(EntryKind.CONFIG, next.encode());
        pendingConfigIndex = entry.index();
        broadcastAppends();
        return new Proposal(entry.index(), entry.term());
    }

    private Configuration applyChange(ConfigChange change) {
        return switch (change) {
            case ConfigChange.AddLearner add -> {
                if (configuration.contains(add.id())) {
                    throw new ProposalRejectedException("member " + add.id() + " is already in the cluster");
                }
                yield configuration.with(new Member(add.id(), add.address(), false));
            }
            case ConfigChange.Promote promote -> {
                Member member = configuration.member(promote.id()).orElseThrow(() ->
                        new ProposalRejectedException("member " + promote.id() + " is not in the cluster"));
                if (member.voter()) {
                    throw new ProposalRejectedException("member " + promote.id() + " is already a voter");
                }
                Progress p = progressById.get(promote.id());
                if (p == null || p.matchIndex < log.commitIndex()) {
                    throw new ProposalRejectedException("learner " + promote.id() + " has not caught up yet (match "
                            + (p == null ? 0 : p.matchIndex) + ", commit " + log.commitIndex() + "); retry later");
                }
                yield configuration.with(new Member(member.id(), member.address(), true));
            }
            case ConfigChange.Remove remove -> {
                Member member = configuration.member(remove.id()).orElseThrow(() ->
                        new ProposalRejectedException("member " + remove.id() + " is not in the cluster"));
                if (member.voter() && configuration.voterIds().size() == 1) {
                    throw new ProposalRejectedException("cannot remove the last voter " + remove.id());
                }
                yield configuration.without(remove.id());
            }
        };
    }

    private void requireAcceptingProposals(int count) {
        if (role != Role.LEADER) {
            throw new NotLeaderException(selfId, leaderId);
        }
        if (transferTarget != null) {
            throw new ProposalRejectedException("leadership is being transferred to " + transferTarget
                    + "; retry on the new leader");
        }
        if (log.lastIndex() - log.commitIndex() + count > config.maxUncommittedEntries()) {
            throw new ProposalRejectedException("too many uncommitted entries (" + (log.lastIndex() - log.commitIndex())
                    + "); the cluster is overloaded or lost its quorum, retry later");
        }
    }

    private Entry appendAsLeader(EntryKind kind, byte[] data) {
        Entry entry = new Entry(log.lastIndex() + 1, currentTerm, kind, data);
        log.append(entry);
        if (kind == EntryKind.CONFIG) {
            configurationsByIndex.put(entry.index(), Configuration.decode(data));
            recomputeConfiguration();
        }
        return entry;
    }

    /**
     * Starts a linearizable read (dissertation §6.4). The result appears in a later Ready, as a
     * {@link ReadState} once a quorum confirmed this node's leadership, or as a failed read id if
     * leadership is lost first.
     */
    public void readIndex(long readId) {
        assertNoReadyInFlight();
        if (role != Role.LEADER) {
            throw new NotLeaderException(selfId, leaderId);
        }
        if (readsAwaitingRound.size() + readsAwaitingQuorum.size() >= MAX_PENDING_READS) {
            throw new ProposalRejectedException("too many pending reads; retry later");
        }
        if (leaseHolds()) {
            // §6.4.1: no quorum can have elected another leader yet, so our commit index is the latest.
            readStates.add(new ReadState(readId, log.commitIndex()));
            return;
        }
        readsAwaitingRound.add(new PendingRead(readId));
    }

    /**
     * Whether this leader may answer a read without a round (dissertation §6.4.1): a quorum acknowledged a
     * heartbeat sent less than {@code electionTimeoutTicks - leaseMarginTicks} ticks ago (each of them refuses
     * votes for an election timeout after receiving it), an entry of this term is committed (so the commit
     * index is current), and no leadership transfer was started in this term (its target campaigns at once,
     * and voters grant a transfer's votes despite their lease).
     */
    boolean leaseHolds() {
        if (!config.leaseReads() || role != Role.LEADER || transferTarget != null || leaseForfeited
                || !committedInCurrentTerm()) {
            return false;
        }
        Set<String> voters = configuration.voterIds();
        if (!voters.contains(selfId)) {
            return false;
        }
        List<Long> sentTicks = new ArrayList<>();
        for (String voter : voters) {
            Progress p = progressById.get(voter);
            sentTicks.add(voter.equals(selfId) ? nowTicks : p == null ? Long.MIN_VALUE : p.acknowledgedRoundSentAtTick);
        }
        sentTicks.sort(java.util.Comparator.reverseOrder());
        long quorumSentAtTick = sentTicks.get(voters.size() / 2);
        return quorumSentAtTick != Long.MIN_VALUE
                && nowTicks < quorumSentAtTick + config.electionTimeoutTicks() - config.leaseMarginTicks();
    }

    /** Starts a leadership transfer to {@code targetId} (dissertation §3.10). */
    public void transferLeadership(String targetId) {
        assertNoReadyInFlight();
        if (role != Role.LEADER) {
            throw new NotLeaderException(selfId, leaderId);
        }
        if (targetId.equals(selfId)) {
            return;
        }
        if (!configuration.isVoter(targetId)) {
            throw new ProposalRejectedException("cannot transfer leadership to " + targetId
                    + ": it is not a voting member");
        }
        if (targetId.equals(transferTarget)) {
            return;
        }
        transferTarget = targetId;
        transferElapsedTicks = 0;
        Progress p = progressById.get(targetId);
        if (p.matchIndex == log.lastIndex()) {
            leaseForfeited = true;
            send(new TimeoutNow(currentTerm, selfId, targetId));
        } else {
            sendAppend(p);
        }
    }

    /**
     * The application made a snapshot of its state as of {@code snapshot.index()} (at most the applied
     * index): the node offers it to followers that need compacted entries, and discards its log up to
     * {@code compactIndex} (§7), which may lie below the snapshot so that a briefly lagging follower still
     * catches up from the log. Returns the new log start for the driver to persist, or {@code null} when
     * nothing was compacted.
     */
    public LogStart compact(SnapshotMeta snapshot, long compactIndex) {
        assertNoReadyInFlight();
        if (snapshot.index() > log.appliedIndex()) {
            throw new IllegalArgumentException("snapshot at " + snapshot.index() + " is beyond the applied index "
                    + log.appliedIndex());
        }
        if (latestSnapshot == null || snapshot.index() > latestSnapshot.index()) {
            if (log.termAt(snapshot.index()) >= 0 && log.termAt(snapshot.index()) != snapshot.term()) {
                throw new IllegalArgumentException("snapshot " + snapshot + " does not match the log's term "
                        + log.termAt(snapshot.index()) + " at its index");
            }
            latestSnapshot = snapshot;
        }
        long index = Math.min(Math.min(compactIndex, latestSnapshot.index()), log.persistedIndex());
        if (index <= log.startIndex()) {
            return null;
        }
        long term = log.termAt(index);
        Configuration atIndex = configurationAt(index);
        log.compactTo(index, term);
        baseConfiguration = atIndex;
        configurationsByIndex.headMap(index, true).clear();
        return new LogStart(index, term, atIndex);
    }

    private Configuration configurationAt(long index) {
        Map.Entry<Long, Configuration> floor = configurationsByIndex.floorEntry(index);
        return floor == null ? baseConfiguration : floor.getValue();
    }

    // ------------------------------------------------------------------ messages

    /** Handles one message from a peer. */
    public void step(Message m) {
        assertNoReadyInFlight();
        if (!selfId.equals(m.to())) {
            return;
        }
        if (m instanceof RequestVote rv && inLeaderLease() && !rv.leadershipTransfer()
                && !rv.from().equals(leaderId)) {
            // Dissertation §4.2.3 / §9.6: while we hear from a leader, ignore disruptive candidates.
            return;
        }
        if (m.term() > currentTerm) {
            if (m instanceof RequestVote rv && rv.preVote()) {
                // A pre-vote never changes our term.
            } else if (m instanceof RequestVoteResponse rvr && rvr.preVote() && rvr.granted()) {
                // A granted pre-vote echoes the term we would campaign in.
            } else {
                boolean fromLeader = m instanceof AppendEntries || m instanceof InstallSnapshot
                        || m instanceof TimeoutNow;
                becomeFollower(m.term(), fromLeader ? m.from() : null, "saw term " + m.term() + " in "
                        + m.getClass().getSimpleName() + " from " + m.from());
            }
        } else if (m.term() < currentTerm) {
            respondToStaleTerm(m);
            return;
        }
        switch (m) {
            case RequestVote rv -> handleRequestVote(rv);
            case RequestVoteResponse rvr -> handleVoteResponse(rvr);
            case AppendEntries ae -> handleAppendEntries(ae);
            case AppendEntriesResponse aer -> handleAppendEntriesResponse(aer);
            case InstallSnapshot is -> handleInstallSnapshot(is);
            case InstallSnapshotResponse isr -> handleInstallSnapshotResponse(isr);
            case TimeoutNow tn -> handleTimeoutNow(tn);
        }
    }

    private boolean inLeaderLease() {
        if (config.leaseReads() && nowTicks < config.electionTimeoutTicks()) {
            // Just (re)started: before the crash this node may have acknowledged a leader whose lease still
            // runs, and it cannot know; it honours any such lease by voting for nobody for an election timeout.
            return true;
        }
        return config.checkQuorum() && leaderId != null && electionElapsedTicks < config.electionTimeoutTicks();
    }

    private void respondToStaleTerm(Message m) {
        if (m instanceof AppendEntries || m instanceof InstallSnapshot) {
            // A deposed leader learns our newer term from this answer and steps down (§5.1).
            send(new AppendEntriesResponse(currentTerm, selfId, m.from(), false, 0, 0, 0));
        } else if (m instanceof RequestVote rv && rv.preVote()) {
            send(new RequestVoteResponse(currentTerm, selfId, m.from(), false, true));
        }
    }

    private void handleRequestVote(RequestVote rv) {
        boolean canVote = rv.from().equals(votedFor)
                || (votedFor == null && leaderId == null)
                || (rv.preVote() && rv.term() > currentTerm);
        if (rv.preVote() && role == Role.PRE_CANDIDATE && rv.term() == currentTerm + 1 && !outranksUs(rv)) {
            // Two followers that lost their leader at the same moment time out close together. Granting each
            // other's pre-vote, both would campaign, split the vote and wait another election timeout (the
            // 700-900 ms failovers measured with SIGKILL). Among pre-candidates of one round exactly one yields:
            // to the more up-to-date log, else to the lower id. A pre-vote never changes a term or a vote
            // (§9.6), so this touches liveness only; a lone pre-candidate still gets every grant it did.
            canVote = false;
            // Our own pre-vote may have reached that node while it still heard from the old leader, which drops
            // vote requests (§4.2.3): it campaigns now, so ask again, or neither of us would win before another
            // election timeout. Asking twice is harmless: a pre-vote grant changes nothing.
            send(new RequestVote(currentTerm + 1, selfId, rv.from(), log.lastIndex(), log.lastTerm(), true, false));
        }
        // §5.4.1: only vote for a candidate whose log is at least as up-to-date as ours.
        boolean grant = canVote && log.isUpToDate(rv.lastLogIndex(), rv.lastLogTerm());
        if (grant && !rv.preVote()) {
            votedFor = rv.from();
            electionElapsedTicks = 0;
        }
        long responseTerm = grant && rv.preVote() ? rv.term() : currentTerm;
        send(new RequestVoteResponse(responseTerm, selfId, rv.from(), grant, rv.preVote()));
    }

    /** Whether the pre-candidate of {@code rv} ranks above this one: a more up-to-date log, or as up to date and a lower id. */
    private boolean outranksUs(RequestVote rv) {
        boolean sameLog = rv.lastLogTerm() == log.lastTerm() && rv.lastLogIndex() == log.lastIndex();
        if (!sameLog) {
            return log.isUpToDate(rv.lastLogIndex(), rv.lastLogTerm());
        }
        return rv.from().compareTo(selfId) < 0;
    }

    private void handleVoteResponse(RequestVoteResponse rvr) {
        boolean expected = (role == Role.PRE_CANDIDATE && rvr.preVote()) || (role == Role.CANDIDATE && !rvr.preVote());
        if (!expected) {
            return;
        }
        if (rvr.granted()) {
            votesGranted.add(rvr.from());
        } else {
            votesRejected.add(rvr.from());
        }
        Set<String> voters = configuration.voterIds();
        if (Quorum.hasMajority(voters, votesGranted)) {
            if (role == Role.PRE_CANDIDATE) {
                roleChangeReason = "pre-vote granted by " + votesGranted;
                startElection(true);
            } else {
                roleChangeReason = "won the election in term " + currentTerm + " with votes of " + votesGranted;
                becomeLeader();
            }
        } else if (Quorum.isLost(voters, votesRejected)) {
            becomeFollower(currentTerm, null, (role == Role.PRE_CANDIDATE ? "pre-vote" : "election")
                    + " lost: refused by " + votesRejected);
        }
    }

    private void handleAppendEntries(AppendEntries ae) {
        if (role == Role.LEADER) {
            // Election Safety (§5.2): two leaders in one term is a bug, never an operating condition.
            throw new IllegalStateException("leader " + selfId + " received AppendEntries from " + ae.from()
                    + " in its own term " + currentTerm);
        }
        acceptLeader(ae.from());
        long prevIndex = ae.prevLogIndex();
        List<Entry> entries = ae.entries();
        if (prevIndex < log.startIndex()) {
            // Entries up to our log start are committed, hence identical on the leader (§5.4): skip them.
            int skip = (int) Math.min(entries.size(), log.startIndex() - prevIndex);
            if (skip == entries.size()) {
                send(new AppendEntriesResponse(currentTerm, selfId, ae.from(), true, log.startIndex(), 0,
                        ae.readRound()));
                return;
            }
            entries = entries.subList(skip, entries.size());
            prevIndex = log.startIndex();
        } else if (!log.matches(prevIndex, ae.prevLogTerm())) {
            // The rejected previous index travels in matchIndex so the leader can spot stale answers.
            send(new AppendEntriesResponse(currentTerm, selfId, ae.from(), false, ae.prevLogIndex(),
                    rejectHint(ae.prevLogIndex()), ae.readRound()));
            return;
        }
        for (Entry e : entries) {
            if (e.index() <= log.lastIndex()) {
                if (log.termAt(e.index()) == e.term()) {
                    continue;
                }
                log.truncateFrom(e.index());
                configurationsByIndex.tailMap(e.index(), true).clear();
                recomputeConfiguration();
            }
            log.append(e);
            if (e.kind() == EntryKind.CONFIG) {
                configurationsByIndex.put(e.index(), Configuration.decode(e.data()));
                recomputeConfiguration();
            }
        }
        long lastNewIndex = prevIndex + entries.size();
        // Figure 2: commitIndex = min(leaderCommit, index of last new entry).
        log.commitTo(Math.min(ae.leaderCommit(), lastNewIndex));
        send(new AppendEntriesResponse(currentTerm, selfId, ae.from(), true, lastNewIndex, 0, ae.readRound()));
    }

    /** Where the leader should look next after a mismatch at {@code prevIndex} (§5.3, fast backup). */
    private long rejectHint(long prevIndex) {
        if (prevIndex > log.lastIndex()) {
            return log.lastIndex() + 1;
        }
        long conflictTerm = log.termAt(prevIndex);
        long index = prevIndex;
        while (index - 1 > log.commitIndex() && index - 1 > log.startIndex()
                && log.termAt(index - 1) == conflictTerm) {
            index--;
        }
        return Math.max(index, log.commitIndex() + 1);
    }

    private void acceptLeader(String from) {
        if (role != Role.FOLLOWER) {
            becomeFollower(currentTerm, from, "heard from leader " + from + " of term " + currentTerm);
        } else if (!from.equals(leaderId)) {
            roleChangeReason = "heard from leader " + from + " of term " + currentTerm;
        }
        leaderId = from;
        electionElapsedTicks = 0;
    }

    private void handleAppendEntriesResponse(AppendEntriesResponse aer) {
        if (role != Role.LEADER) {
            return;
        }
        Progress p = progressById.get(aer.from());
        if (p == null) {
            return;
        }
        p.recentlyActive = true;
        if (aer.readRound() > 0) {
            acknowledgeReadRound(aer.from(), aer.readRound());
        }
        if (!aer.success()) {
            if (p.state != Progress.State.SNAPSHOT && p.maybeDecreaseTo(aer.matchIndex(), aer.rejectHintIndex())) {
                sendAppend(p);
            }
            return;
        }
        if (p.maybeUpdate(aer.matchIndex())) {
            if (p.state == Progress.State.PROBE) {
                p.becomeReplicate();
            }
            maybeCommit();
            if (aer.from().equals(transferTarget) && p.matchIndex == log.lastIndex()) {
                leaseForfeited = true;
                send(new TimeoutNow(currentTerm, selfId, aer.from()));
            }
        }
        if (role == Role.LEADER) {
            sendAppendsWhileAllowed(p);
        }
    }

    private void handleInstallSnapshot(InstallSnapshot is) {
        acceptLeader(is.from());
        SnapshotMeta meta = is.meta();
        if (meta.index() <= log.commitIndex()) {
            // We already have everything it covers (committed entries are the same everywhere, §5.4).
            send(new InstallSnapshotResponse(currentTerm, selfId, is.from(), meta.index(), true, false));
            return;
        }
        if (incomingSnapshot == null || !incomingSnapshot.meta().equals(meta)) {
            // A new offer replaces a copy of an older snapshot: that one would not bring us far enough.
            incomingSnapshot = new SnapshotFetch(meta, is.from());
            snapshotToFetch = incomingSnapshot;
        }
        send(new InstallSnapshotResponse(currentTerm, selfId, is.from(), meta.index(), false, false));
    }

    /**
     * The driver finished copying the snapshot {@code meta} that a {@link Ready#snapshotToFetch()} asked
     * for ({@code copied}) or gave up. Returns whether the node will install it (it then appears as
     * {@link Ready#snapshotToInstall()}); otherwise the copy is not needed (any more) and may be deleted.
     */
    public boolean snapshotFetched(SnapshotMeta meta, boolean copied) {
        assertNoReadyInFlight();
        if (incomingSnapshot == null || !incomingSnapshot.meta().equals(meta)) {
            return false; // Superseded by a newer offer, or we learned the entries otherwise.
        }
        String source = leaderId != null ? leaderId : incomingSnapshot.sourceId();
        incomingSnapshot = null;
        if (!copied) {
            send(new InstallSnapshotResponse(currentTerm, selfId, source, meta.index(), false, true));
            return false;
        }
        if (meta.index() <= log.commitIndex()) {
            send(new InstallSnapshotResponse(currentTerm, selfId, source, meta.index(), true, false));
            return false;
        }
        installSnapshot(meta);
        send(new InstallSnapshotResponse(currentTerm, selfId, source, meta.index(), true, false));
        return true;
    }

    private void installSnapshot(SnapshotMeta meta) {
        log.installSnapshot(meta.index(), meta.term());
        configurationsByIndex.headMap(meta.index(), true).clear();
        if (log.lastIndex() == meta.index()) {
            configurationsByIndex.clear();
        }
        baseConfiguration = meta.configuration();
        recomputeConfiguration();
        latestSnapshot = meta;
        snapshotToInstall = meta;
    }

    private void handleInstallSnapshotResponse(InstallSnapshotResponse isr) {
        if (role != Role.LEADER) {
            return;
        }
        Progress p = progressById.get(isr.from());
        if (p == null) {
            return;
        }
        p.recentlyActive = true;
        if (p.state != Progress.State.SNAPSHOT || p.snapshotInFlight == null
                || p.snapshotInFlight.index() != isr.snapshotIndex()) {
            return; // An answer to an earlier offer.
        }
        if (isr.done()) {
            p.maybeUpdate(isr.snapshotIndex());
            p.becomeProbe();
            sendAppend(p);
        } else if (!isr.rejected()) {
            p.ticksSinceSnapshotMessage = 0; // Still copying: keep waiting.
        }
        // Rejected: the offer is repeated (with our latest snapshot) when the wait runs out in tickLeader.
    }

    private void handleTimeoutNow(TimeoutNow tn) {
        if (isPromotable()) {
            // Dissertation §3.10: the leader asked us to take over; skip pre-vote.
            roleChangeReason = "leadership transfer requested by " + tn.from();
            startElection(true, true);
        }
    }

    // ------------------------------------------------------------------ role changes

    private boolean isPromotable() {
        return configuration.isVoter(selfId);
    }

    private void startElection(boolean skipPreVote) {
        startElection(skipPreVote, false);
    }

    private void startElection(boolean skipPreVote, boolean leadershipTransfer) {
        votesGranted.clear();
        votesRejected.clear();
        boolean preVote = config.preVote() && !skipPreVote;
        long campaignTerm;
        if (preVote) {
            // Dissertation §9.6: ask first whether we could win, without disturbing anyone's term.
            role = Role.PRE_CANDIDATE;
            campaignTerm = currentTerm + 1;
        } else {
            role = Role.CANDIDATE;
            currentTerm++;
            votedFor = selfId;
            campaignTerm = currentTerm;
        }
        leaderId = null;
        electionElapsedTicks = 0;
        resetRandomizedElectionTimeout();
        votesGranted.add(selfId);
        if (Quorum.hasMajority(configuration.voterIds(), votesGranted)) {
            roleChangeReason = "sole voter";
            if (preVote) {
                startElection(true, leadershipTransfer);
            } else {
                becomeLeader();
            }
            return;
        }
        for (String voter : configuration.voterIds()) {
            if (!voter.equals(selfId)) {
                send(new RequestVote(campaignTerm, selfId, voter, log.lastIndex(), log.lastTerm(), preVote,
                        leadershipTransfer));
            }
        }
    }

    private void becomeFollower(long term, String leader, String reason) {
        roleChangeReason = reason;
        boolean wasLeader = role == Role.LEADER;
        if (term > currentTerm) {
            currentTerm = term;
            votedFor = null;
        }
        role = Role.FOLLOWER;
        leaderId = leader;
        electionElapsedTicks = 0;
        resetRandomizedElectionTimeout();
        if (wasLeader) {
            progressById.clear();
            transferTarget = null;
            for (PendingRead read : readsAwaitingRound) {
                failedReads.add(read.readId);
            }
            for (PendingRead read : readsAwaitingQuorum) {
                failedReads.add(read.readId);
            }
            readsAwaitingRound.clear();
            readsAwaitingQuorum.clear();
        }
    }

    private void becomeLeader() {
        if (role != Role.CANDIDATE) {
            throw Invariants.violated("only a candidate can become leader, " + selfId + " is " + role);
        }
        role = Role.LEADER;
        leaderId = selfId;
        electionElapsedTicks = 0;
        heartbeatElapsedTicks = 0;
        transferTarget = null;
        progressById.clear();
        roundsSent.clear();
        leaseForfeited = false;
        // A leader has every committed entry (§5.4): a snapshot it was copying brings it nothing.
        incomingSnapshot = null;
        snapshotToFetch = null;
        syncProgressWithConfiguration();
        // §5.4.2 / §8: commit an entry of our own term so earlier entries and reads can be committed.
        Entry noop = appendAsLeader(EntryKind.NOOP, new byte[0]);
        // Dissertation §4.1 (and the 2015 single-server change fix): no membership change before
        // an entry of this term is committed.
        pendingConfigIndex = noop.index();
        maybeCommit();
        broadcastAppends();
    }

    private void syncProgressWithConfiguration() {
        if (role != Role.LEADER) {
            return;
        }
        for (Member m : configuration.members()) {
            if (!m.id().equals(selfId) && !progressById.containsKey(m.id())) {
                Progress p = new Progress(m.id(), log.lastIndex() + 1);
                p.recentlyActive = true;
                progressById.put(m.id(), p);
            }
        }
        progressById.keySet().removeIf(id -> !configuration.contains(id));
        if (transferTarget != null && !configuration.isVoter(transferTarget)) {
            transferTarget = null;
        }
    }

    private void recomputeConfiguration() {
        Map.Entry<Long, Configuration> last = configurationsByIndex.lastEntry();
        configuration = last == null ? baseConfiguration : last.getValue();
        syncProgressWithConfiguration();
    }

    private void resetRandomizedElectionTimeout() {
        // §5.2: randomized timeouts make split votes rare. The paper spreads them over [T, 2T); half that spread
        // is enough here because two followers that time out together no longer split the vote (the pre-vote
        // rank rule in handleRequestVote lets exactly one of them campaign), and the upper end is what a
        // failover waits for at worst: [T, 1.5T) takes ~135 ms off the slowest SIGKILL failovers at T = 300 ms.
        // The lower end T, which protects against churn and bounds the leader's lease, is unchanged.
        randomizedElectionTimeoutTicks = config.electionTimeoutTicks()
                + random.nextInt(Math.max(1, config.electionTimeoutTicks() / 2));
    }

    // ------------------------------------------------------------------ replication

    /** §5.3, §5.4.2: commit the highest index stored on a majority, but only if it is of our term. */
    private boolean maybeCommit() {
        Map<String, Long> matches = new HashMap<>();
        for (Progress p : progressById.values()) {
            matches.put(p.id, p.matchIndex);
        }
        matches.put(selfId, log.persistedIndex());
        long candidate = Quorum.committedIndex(configuration.voterIds(), matches);
        if (candidate > log.commitIndex() && log.termAt(candidate) == currentTerm) {
            log.commitTo(candidate);
            onCommitAdvanced();
            return true;
        }
        return false;
    }

    private void onCommitAdvanced() {
        // A leader removed by a committed configuration hands over by stepping down (dissertation §4.2.2).
        if (role == Role.LEADER && !configuration.contains(selfId)
                && configurationsByIndex.isEmpty() == false
                && configurationsByIndex.lastKey() <= log.commitIndex()) {
            becomeFollower(currentTerm, null, "removed from the configuration");
        }
    }

    private void broadcastAppends() {
        for (Progress p : progressById.values()) {
            sendAppendsWhileAllowed(p);
        }
    }

    private void sendAppendsWhileAllowed(Progress p) {
        // Bounded by the inflight window; each iteration sends at least one entry.
        while (!p.isPaused(config.maxInflightAppends()) && p.nextIndex <= log.lastIndex()) {
            if (!sendAppend(p)) {
                return;
            }
        }
    }

    /** Sends the next AppendEntries (or snapshot) to {@code p}; returns false if nothing was sent. */
    private boolean sendAppend(Progress p) {
        long prevIndex = p.nextIndex - 1;
        long prevTerm = log.termAt(prevIndex);
        if (prevTerm < 0) {
            startSnapshotTransfer(p);
            return false;
        }
        List<Entry> entries = log.slice(p.nextIndex, log.lastIndex(), config.maxEntriesPerAppend(),
                config.maxBytesPerAppend());
        send(new AppendEntries(currentTerm, selfId, p.id, prevIndex, prevTerm, entries, log.commitIndex(), 0));
        if (p.state == Progress.State.REPLICATE && !entries.isEmpty()) {
            long last = entries.get(entries.size() - 1).index();
            p.nextIndex = last + 1;
            p.inflightLastIndexes.addLast(last);
        } else if (p.state == Progress.State.PROBE) {
            p.probeSent = true;
        }
        return !entries.isEmpty();
    }

    private void startSnapshotTransfer(Progress p) {
        if (latestSnapshot == null || latestSnapshot.index() < log.startIndex()) {
            throw Invariants.violated("log compacted up to " + log.startIndex() + " but the latest snapshot is "
                    + latestSnapshot);
        }
        p.becomeSnapshot(latestSnapshot);
        offerSnapshot(p);
    }

    private void offerSnapshot(Progress p) {
        p.ticksSinceSnapshotMessage = 0;
        send(new InstallSnapshot(currentTerm, selfId, p.id, p.snapshotInFlight));
    }

    /** Heartbeats of {@code round} (0: none); {@code forReads}: also to followers being probed. */
    private void broadcastHeartbeats(long round, boolean forReads) {
        for (Progress p : progressById.values()) {
            if (p.state == Progress.State.PROBE) {
                // In PROBE the heartbeat is the probe itself, re-sent in case it or its answer was lost.
                p.probeSent = false;
                sendAppend(p);
                if (!forReads) {
                    continue;
                }
            }
            // A heartbeat's previous entry is one the follower is known to have, so it is never
            // rejected because pipelined appends are still in flight.
            long prevIndex = p.matchIndex;
            long prevTerm = log.termAt(prevIndex);
            if (prevTerm < 0) {
                prevIndex = 0;
                prevTerm = 0;
            }
            long commit = Math.min(log.commitIndex(), p.matchIndex);
            send(new AppendEntries(currentTerm, selfId, p.id, prevIndex, prevTerm, List.of(), commit, round));
        }
    }

    // ------------------------------------------------------------------ ReadIndex

    private boolean committedInCurrentTerm() {
        return log.termAt(log.commitIndex()) == currentTerm;
    }

    /** Starts a confirmation round for the reads that have none yet. */
    private void startReadRound() {
        if (role != Role.LEADER || readsAwaitingRound.isEmpty() || !committedInCurrentTerm()) {
            return;
        }
        long round = newRound();
        for (PendingRead read : readsAwaitingRound) {
            read.index = log.commitIndex();
            read.round = round;
            read.acknowledgedBy.add(selfId);
            readsAwaitingQuorum.add(read);
        }
        readsAwaitingRound.clear();
        releaseConfirmedReads();
        if (!readsAwaitingQuorum.isEmpty()) {
            broadcastHeartbeats(round, true);
        }
    }

    /** A new heartbeat round, its send tick remembered for the lease. */
    private long newRound() {
        readRound++;
        roundsSent.addLast(new long[] {readRound, nowTicks});
        if (roundsSent.size() > ROUNDS_REMEMBERED) {
            roundsSent.removeFirst();
        }
        return readRound;
    }

    private void acknowledgeReadRound(String from, long round) {
        Progress peer = progressById.get(from);
        if (peer != null) {
            for (long[] sent : roundsSent) {
                if (sent[0] == round) {
                    peer.acknowledgedRoundSentAtTick = Math.max(peer.acknowledgedRoundSentAtTick, sent[1]);
                    break;
                }
            }
        }
        for (PendingRead read : readsAwaitingQuorum) {
            if (read.round <= round) {
                read.acknowledgedBy.add(from);
            }
        }
        releaseConfirmedReads();
    }

    private void releaseConfirmedReads() {
        Set<String> voters = configuration.voterIds();
        Iterator<PendingRead> it = readsAwaitingQuorum.iterator();
        while (it.hasNext()) {
            PendingRead read = it.next();
            if (!Quorum.hasMajority(voters, read.acknowledgedBy)) {
                return;
            }
            readStates.add(new ReadState(read.readId, read.index));
            it.remove();
        }
    }

    // ------------------------------------------------------------------ Ready

    /** Whether {@link #ready()} has anything for the driver. */
    public boolean hasReady() {
        assertNoReadyInFlight();
        startReadRound();
        return !currentHardState().equals(lastPersistedHardState)
                || log.persistedIndex() < log.lastIndex()
                || snapshotToInstall != null
                || snapshotToFetch != null
                || !outbox.isEmpty()
                || log.appliedIndex() < log.commitIndex()
                || !readStates.isEmpty()
                || !failedReads.isEmpty();
    }

    /** Collects the work for the driver; see {@link Ready} for what the driver must do with it. */
    public Ready ready() {
        assertNoReadyInFlight();
        startReadRound();
        HardState hardState = currentHardState();
        List<Entry> entriesToPersist = log.unpersistedEntries();
        boolean mustSync = !entriesToPersist.isEmpty() || snapshotToInstall != null
                || hardState.term() != lastPersistedHardState.term()
                || !Objects.equals(hardState.votedFor(), lastPersistedHardState.votedFor());
        Ready ready = new Ready(
                hardState.equals(lastPersistedHardState) ? null : hardState,
                entriesToPersist,
                snapshotToInstall,
                snapshotToFetch,
                List.copyOf(outbox),
                log.committedUnapplied(MAX_APPLY_ENTRIES_PER_READY, MAX_APPLY_BYTES_PER_READY),
                List.copyOf(readStates),
                List.copyOf(failedReads),
                new SoftState(role, currentTerm, leaderId),
                mustSync);
        outbox.clear();
        readStates.clear();
        failedReads.clear();
        snapshotToInstall = null;
        snapshotToFetch = null;
        readyInFlight = ready;
        return ready;
    }

    /** Acknowledges that the driver persisted, sent and applied {@code ready}. */
    public void advance(Ready ready) {
        List<Entry> committed = ready.committedEntries();
        advance(ready, committed.isEmpty() ? log.appliedIndex() : committed.get(committed.size() - 1).index());
    }

    /**
     * {@link #advance(Ready)} for an application that applied the Ready's committed entries only through
     * {@code appliedIndex} (a driver that stops applying when its time budget for one loop is spent): the rest
     * come again in the next Ready. Everything else of the Ready must have been done.
     */
    public void advance(Ready ready, long appliedIndex) {
        if (ready != readyInFlight) {
            throw new IllegalStateException("advance() must be called with the Ready returned by ready()");
        }
        readyInFlight = null;
        if (ready.hardState() != null) {
            lastPersistedHardState = ready.hardState();
        }
        if (!ready.entriesToPersist().isEmpty()) {
            log.markPersisted(ready.entriesToPersist().get(ready.entriesToPersist().size() - 1).index());
        }
        List<Entry> committed = ready.committedEntries();
        if (!committed.isEmpty()) {
            long first = committed.get(0).index();
            long last = committed.get(committed.size() - 1).index();
            if (appliedIndex < first - 1 || appliedIndex > last) {
                throw new IllegalArgumentException("applied index " + appliedIndex + " is outside the Ready's"
                        + " committed entries " + first + ".." + last);
            }
            if (appliedIndex >= first) {
                log.markApplied(appliedIndex);
            }
        }
        if (role == Role.LEADER) {
            maybeCommit();
        }
    }

    private HardState currentHardState() {
        return new HardState(currentTerm, votedFor, log.commitIndex());
    }

    private void send(Message m) {
        outbox.add(m);
    }

    private void assertNoReadyInFlight() {
        if (readyInFlight != null) {
            throw new IllegalStateException("a Ready is in flight: call advance() first");
        }
    }

    /** A read waiting for the leader to confirm it still leads (dissertation §6.4). */
    private static final class PendingRead {
        final long readId;
        long index;
        long round;
        final Set<String> acknowledgedBy = new HashSet<>();

        PendingRead(long readId) {
            this.readId = readId;
        }
    }
}
