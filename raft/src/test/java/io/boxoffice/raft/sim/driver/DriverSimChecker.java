package io.boxoffice.raft.sim.driver;

import io.boxoffice.raft.core.Entry;
import io.boxoffice.raft.core.HardState;
import io.boxoffice.raft.core.RaftStatus;
import io.boxoffice.raft.core.Role;
import io.boxoffice.raft.core.SnapshotMeta;
import io.boxoffice.raft.core.message.AppendEntries;
import io.boxoffice.raft.core.message.AppendEntriesResponse;
import io.boxoffice.raft.core.message.InstallSnapshot;
import io.boxoffice.raft.core.message.InstallSnapshotResponse;
import io.boxoffice.raft.core.message.Message;
import io.boxoffice.raft.core.message.RequestVote;
import io.boxoffice.raft.core.message.RequestVoteResponse;
import io.boxoffice.raft.errors.RaftException;
import io.boxoffice.raft.storage.SnapshotStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * The properties a driver simulation run must keep, checked against what each member holds <em>durably</em> (its
 * {@link NodeDisk}) at the moment something leaves it:
 * <ul>
 *   <li>persist, then send: no message leaves a member before the term, vote or entries it states or acknowledges
 *       are durable in its log store, and a snapshot is offered only once its file is durable;</li>
 *   <li>persist, then apply: no entry is applied before it is durable in the member's log store with a durable
 *       commit index covering it and a quorum of some configuration holding it durably; no snapshot is restored
 *       before the log store durably names it;</li>
 *   <li>Raft's safety (Figure 3): election safety (one leader per term, one vote per voter and term), log matching,
 *       leader completeness, state-machine safety (the same command at each index everywhere and the same state
 *       hash at the same applied index);</li>
 *   <li>clients: a proposal is answered with its own command's result, and a linearizable read sees every write
 *       acknowledged and every index known committed before it started;</li>
 *   <li>recoverability: the file of the snapshot a log store names exists, and the log was never compacted past
 *       what the state machine and the snapshot hold.</li>
 * </ul>
 * Every check reports through {@link Failures#fail}, which throws.
 */
final class DriverSimChecker {

    /** Ends the run with a violation. */
    interface Failures {
        DriverSimulationFailure fail(String violation);
    }

    private final Map<String, NodeDisk> disks;
    private final Function<String, SnapshotStore> snapshotStores;
    private final Failures failures;

    private final Map<Long, String> leaderByTerm = new HashMap<>();
    private final Map<String, String> leaderTermChecked = new HashMap<>();
    private final Map<String, String> voteByVoterAndTerm = new HashMap<>();
    /** Entries known committed, with the lowest term of a member that reported them committed. */
    private final Map<Long, Committed> committedByIndex = new HashMap<>();
    private final Map<Long, String> commandByIndex = new HashMap<>();
    private final Map<Long, Long> stateHashByIndex = new HashMap<>();
    private final Set<Set<String>> voterSets = new LinkedHashSet<>();
    private final Map<String, Long> commitRecorded = new HashMap<>();
    private long highestCommitSeen;
    private long highestAckedIndex;
    private long proposalsAcked;
    private long readsChecked;
    private long snapshotsRestored;
    private long messagesChecked;
    private long appliesChecked;

    /**
     * @param disks          every member's disk, removed members' too (their durable entries still count)
     * @param snapshotStores the running process's snapshot store of a member, or {@code null} when it is down
     */
    DriverSimChecker(Map<String, NodeDisk> disks, Function<String, SnapshotStore> snapshotStores, Failures failures) {
        this.disks = disks;
        this.snapshotStores = snapshotStores;
        this.failures = failures;
    }

    long highestCommitSeen() {
        return highestCommitSeen;
    }

    long proposalsAcked() {
        return proposalsAcked;
    }

    long readsChecked() {
        return readsChecked;
    }

    long snapshotsRestored() {
        return snapshotsRestored;
    }

    long messagesChecked() {
        return messagesChecked;
    }

    long appliesChecked() {
        return appliesChecked;
    }

    int termsWithLeader() {
        return leaderByTerm.size();
    }

    void configurationUsed(Set<String> voterIds) {
        if (!voterIds.isEmpty() && !voterSets.contains(voterIds)) {
            voterSets.add(Set.copyOf(voterIds));
        }
    }

    // ---------------------------------------------------------------- persist, then send

    /** {@code message} is about to leave {@code fromId}. */
    void beforeSend(String fromId, Message message) {
        messagesChecked++;
        DurableView durable = disks.get(fromId).durable();
        HardState hardState = durable.hardState();
        boolean preVote = (message instanceof RequestVote vote && vote.preVote())
                || (message instanceof RequestVoteResponse answer && answer.preVote());
        if (!preVote && message.term() > hardState.term()) {
            throw failures.fail("persist before send: " + fromId + " sends " + message + " in term " + message.term()
                    + " while its durable term is " + hardState.term());
        }
        switch (message) {
            case RequestVote vote when !vote.preVote() -> checkCampaign(fromId, vote, durable);
            case RequestVoteResponse answer when answer.granted() && !answer.preVote() ->
                    checkVote(fromId, answer, hardState);
            case AppendEntries append -> checkEntriesDurable(fromId, append, durable);
            case AppendEntriesResponse answer when answer.success() -> checkAcknowledgement(fromId, answer, durable);
            case InstallSnapshot offer -> checkOfferedFile(fromId, offer.meta());
            case InstallSnapshotResponse answer when answer.done() && answer.snapshotIndex() > durable.lastIndex() ->
                    throw failures.fail("persist before send: " + fromId + " reports snapshot " + answer.snapshotIndex()
                            + " done but durably holds the log only up to " + durable.lastIndex());
            default -> {
            }
        }
    }

    /**
     * A candidate's own vote must be durable. Its claim about its log ({@code lastLogIndex}) is not checked against
     * the store: a leader's append stepped later in the same batch may have replaced those entries before the batch
     * was written, and such a claim is harmless, as the candidate cannot win a term that already has a leader.
     */
    private void checkCampaign(String fromId, RequestVote vote, DurableView durable) {
        HardState hardState = durable.hardState();
        if (hardState.term() == vote.term() && !fromId.equals(hardState.votedFor())) {
            throw failures.fail("persist before send: " + fromId + " campaigns in term " + vote.term()
                    + " but its durable vote is for " + hardState.votedFor());
        }
    }

    private void checkVote(String voterId, RequestVoteResponse answer, HardState hardState) {
        boolean durable = hardState.term() > answer.term()
                || (hardState.term() == answer.term() && answer.to().equals(hardState.votedFor()));
        if (!durable) {
            throw failures.fail("persist before send: " + voterId + " grants its vote in term " + answer.term() + " to "
                    + answer.to() + " but its durable hard state is " + hardState);
        }
        String earlier = voteByVoterAndTerm.putIfAbsent(voterId + "@" + answer.term(), answer.to());
        if (earlier != null && !earlier.equals(answer.to())) {
            throw failures.fail("Election Safety: " + voterId + " voted for both " + earlier + " and " + answer.to()
                    + " in term " + answer.term());
        }
    }

    /**
     * A leader may send entries before they are durable in its own store (thesis §10.2.1: it writes its disk in
     * parallel with its followers), but it may never announce a commit index beyond what its own store holds: it
     * counts itself in the quorum only for durable entries, and an announced commit that only its memory held could
     * be lost with it while followers apply it.
     */
    private void checkEntriesDurable(String leaderId, AppendEntries append, DurableView durable) {
        if (durable.hardState().term() > append.term()) {
            // Built while it still led, then the same batch durably moved it to a later term (and may have replaced
            // those entries): a message the network delayed.
            return;
        }
        if (append.leaderCommit() > durable.lastIndex()) {
            throw failures.fail("persist before commit: " + leaderId + " announces commit index " + append.leaderCommit()
                    + " to " + append.to() + " but durably holds its log only up to " + durable.lastIndex());
        }
        for (Entry entry : append.entries()) {
            if (entry.index() <= append.leaderCommit() && !durable.holds(entry)) {
                throw failures.fail("persist before commit: " + leaderId + " sends " + entry + " as committed to "
                        + append.to() + " before it is durable in its own log store (which holds "
                        + durable.entryAt(entry.index()) + " there, log (" + durable.startIndex() + ", "
                        + durable.lastIndex() + "])");
            }
        }
    }

    private void checkAcknowledgement(String followerId, AppendEntriesResponse answer, DurableView durable) {
        long match = answer.matchIndex();
        if (durable.hardState().term() > answer.term()) {
            return; // Built before the same batch moved it to a later term: as if the network delayed it.
        }
        if (match > durable.lastIndex()) {
            throw failures.fail("persist before send: " + followerId + " acknowledges entries up to " + match
                    + " in term " + answer.term() + " but durably holds only up to " + durable.lastIndex());
        }
        NodeDisk leaderDisk = disks.get(answer.to());
        if (leaderDisk == null) {
            return;
        }
        DurableView leader = leaderDisk.durable();
        // The leader of a term only appends in it, so while its durable term is that term its log is what it sent.
        if (leader.hardState().term() == answer.term()) {
            long leaderTerm = leader.termAt(match);
            long followerTerm = durable.termAt(match);
            if (leaderTerm >= 0 && followerTerm >= 0 && leaderTerm != followerTerm) {
                throw failures.fail("persist before send: " + followerId + " acknowledges index " + match + " of "
                        + answer.to() + "'s log (term " + leaderTerm + ") but durably holds term " + followerTerm
                        + " there");
            }
        }
    }

    private void checkOfferedFile(String leaderId, SnapshotMeta meta) {
        SnapshotStore store = snapshotStores.apply(leaderId);
        if (store != null && !store.contains(meta)) {
            throw failures.fail("persist before send: " + leaderId + " offers snapshot " + meta.index()
                    + " whose file is not in its snapshot store");
        }
    }

    // ---------------------------------------------------------------- persist, then apply

    /** {@code nodeId}'s driver is about to apply the command committed at {@code index}. */
    void beforeApply(String nodeId, long index, byte[] command) {
        appliesChecked++;
        DurableView durable = disks.get(nodeId).durable();
        Entry entry = durable.entryAt(index);
        if (entry == null || !Arrays.equals(entry.data(), command)) {
            throw failures.fail("persist before apply: " + nodeId + " applies index " + index
                    + " which its log store does not durably hold (" + entry + ", durable up to " + durable.lastIndex()
                    + ")");
        }
        // The durable commit index may lag (a commit-only hard state is written without a sync, Ready#mustSync):
        // what makes the apply safe is the entry durable here and held by a quorum, checked here and below.
        if (!heldByAQuorum(entry)) {
            throw failures.fail("commit before apply: " + nodeId + " applies " + entry
                    + " which no quorum of any configuration holds durably");
        }
        Committed committed = committedByIndex.get(index);
        if (committed != null && !committed.entry().equals(entry)) {
            throw failures.fail("State Machine Safety: " + nodeId + " applies " + entry + " where " + committed
                    + " was committed");
        }
        String text = new String(command, StandardCharsets.UTF_8);
        String earlier = commandByIndex.putIfAbsent(index, text);
        if (earlier != null && !earlier.equals(text)) {
            throw failures.fail("State Machine Safety: " + nodeId + " applies '" + text + "' at index " + index
                    + " where another replica applied '" + earlier + "'");
        }
    }

    private boolean heldByAQuorum(Entry entry) {
        for (Set<String> voters : voterSets) {
            int holding = 0;
            for (String voter : voters) {
                NodeDisk disk = disks.get(voter);
                if (disk != null && disk.durable().holds(entry)) {
                    holding++;
                }
            }
            if (holding > voters.size() / 2) {
                return true;
            }
        }
        return false;
    }

    /** {@code nodeId}'s state reached {@code index} with {@code hash}. */
    void stateAt(String nodeId, long index, long hash) {
        Long earlier = stateHashByIndex.putIfAbsent(index, hash);
        if (earlier != null && earlier != hash) {
            throw failures.fail("State Machine Safety: " + nodeId + " has state hash " + hash + " at index " + index
                    + ", another replica had " + earlier);
        }
    }

    void beforeRestore(String nodeId, long index) {
        DurableView durable = disks.get(nodeId).durable();
        if (durable.snapshotIndex() < index) {
            throw failures.fail("persist before apply: " + nodeId + " restores snapshot " + index
                    + " before its log store durably names it (it names " + durable.snapshotIndex() + ")");
        }
    }

    void restored(String nodeId, long index, long hash) {
        snapshotsRestored++;
        stateAt(nodeId, index, hash);
    }

    // ---------------------------------------------------------------- after each loop iteration

    /** {@code nodeId} ran a loop iteration and published {@code status}. */
    void observe(String nodeId, int incarnation, RaftStatus status) {
        DurableView durable = disks.get(nodeId).durable();
        if (status.role() == Role.LEADER) {
            String earlier = leaderByTerm.putIfAbsent(status.term(), nodeId);
            if (earlier != null && !earlier.equals(nodeId)) {
                throw failures.fail("Election Safety: both " + earlier + " and " + nodeId + " lead term " + status.term());
            }
            configurationUsed(status.configuration().voterIds());
            String checkedFor = incarnation + "@" + status.term();
            if (!checkedFor.equals(leaderTermChecked.put(nodeId, checkedFor))) {
                checkLeaderCompleteness(nodeId, status.term(), durable);
            }
        }
        long commit = Math.min(status.commitIndex(), durable.lastIndex());
        highestCommitSeen = Math.max(highestCommitSeen, commit);
        // A process's commit index only grows: record what it newly reports (at most 50 entries, for a restart).
        Long recorded = commitRecorded.put(nodeId + "#" + incarnation, commit);
        long from = Math.max(durable.startIndex(), Math.max(commit - 50, recorded == null ? 0 : recorded)) + 1;
        for (long index = from; index <= commit; index++) {
            Entry entry = durable.entryAt(index);
            Committed earlier = committedByIndex.get(index);
            if (earlier != null && !earlier.entry().equals(entry)) {
                throw failures.fail("State Machine Safety: " + nodeId + " committed " + entry + " where "
                        + earlier.entry() + " was committed");
            }
            if (earlier == null || status.term() < earlier.term()) {
                committedByIndex.put(index, new Committed(entry, status.term()));
            }
        }
    }

    /**
     * An entry known committed, and the lowest term of a member that reported it committed: it was committed in that
     * term or an earlier one (a member learns of a commit from a leader of its term or an earlier one).
     */
    private record Committed(Entry entry, long term) {
    }

    /**
     * §5.4.1: the leader of a term holds every entry committed in an earlier term. (A leader of an older term may
     * still be in office, unaware, when a newer one commits: those entries are not its concern.)
     */
    private void checkLeaderCompleteness(String leaderId, long term, DurableView durable) {
        for (Map.Entry<Long, Committed> committed : committedByIndex.entrySet()) {
            long index = committed.getKey();
            Entry entry = committed.getValue().entry();
            if (committed.getValue().term() < term && index > durable.startIndex()
                    && durable.termAt(index) != entry.term()) {
                throw failures.fail("Leader Completeness: " + leaderId + " leads term " + term + " but durably holds "
                        + durable.entryAt(index) + " at index " + index + " where " + entry + " was committed by term "
                        + committed.getValue().term());
            }
        }
    }

    /**
     * Between steps, on every member that is up: the snapshot its log store names has its file or, for a local
     * snapshot, is held by the state machine's own durable storage, the log was not
     * compacted past what the state machine and the snapshot hold, and the state machine's storage is not ahead of
     * the durable commit index (a restart would otherwise hold state the log does not back).
     */
    void checkRecoverable(String nodeId) {
        NodeDisk disk = disks.get(nodeId);
        DurableView durable = disk.durable();
        SnapshotMeta snapshot = durable.state().snapshot();
        SnapshotStore store = snapshotStores.apply(nodeId);
        boolean snapshotFileHere = snapshot != null && store != null && store.contains(snapshot);
        if (snapshot != null && store != null && !snapshotFileHere && disk.stateImage.index() < snapshot.index()) {
            throw failures.fail("recoverability: " + nodeId + "'s log store names snapshot " + snapshot.index()
                    + " but its file is not in the snapshot store and the state's storage reaches only "
                    + disk.stateImage.index());
        }
        long stateIndex = Math.max(disk.stateImage.index(), snapshotFileHere ? durable.snapshotIndex() : 0);
        if (stateIndex < durable.startIndex()) {
            throw failures.fail("recoverability: " + nodeId + "'s log starts after " + durable.startIndex()
                    + " but its state machine storage and snapshot reach only " + stateIndex);
        }
        // Recovery raises a commit index lost with an unsynced write to the state's index (RaftLog), which is
        // sound only if every entry the state holds is in the durable log (or its snapshot).
        if (disk.stateImage.index() > Math.max(durable.lastIndex(), durable.snapshotIndex())) {
            throw failures.fail("persist before apply: " + nodeId + "'s state machine storage is at "
                    + disk.stateImage.index() + " beyond its durable log, which ends at " + durable.lastIndex());
        }
    }

    /** §5.3 Log Matching over every pair of durable logs: the same index and term means the same prefix. */
    void checkLogMatching() {
        List<NodeDisk> all = new ArrayList<>(disks.values());
        for (int a = 0; a < all.size(); a++) {
            for (int b = a + 1; b < all.size(); b++) {
                checkLogMatching(all.get(a), all.get(b));
            }
        }
    }

    private void checkLogMatching(NodeDisk first, NodeDisk second) {
        DurableView x = first.durable();
        DurableView y = second.durable();
        long low = Math.max(x.startIndex(), y.startIndex()) + 1;
        long high = Math.min(x.lastIndex(), y.lastIndex());
        long matchedUpTo = -1;
        for (long index = high; index >= low; index--) {
            if (x.termAt(index) == y.termAt(index)) {
                matchedUpTo = index;
                break;
            }
        }
        for (long index = low; index <= matchedUpTo; index++) {
            if (!x.entryAt(index).equals(y.entryAt(index))) {
                throw failures.fail("Log Matching: " + first.memberId + " and " + second.memberId + " agree at index "
                        + matchedUpTo + " but differ at " + index + ": " + x.entryAt(index) + " vs " + y.entryAt(index));
            }
        }
    }

    // ---------------------------------------------------------------- clients

    /** What a linearizable read started now must see at least. */
    long readFloor() {
        return Math.max(highestAckedIndex, highestCommitSeen);
    }

    /** The answer to proposing {@code command}: its own result, or a typed refusal whose outcome may be unknown. */
    void proposalAnswered(String nodeId, String command, HashKvStateMachine.Applied applied, Throwable error) {
        if (error != null) {
            requireOperatingError(nodeId, "proposal " + command, error);
            return;
        }
        if (!applied.command().equals(command)) {
            throw failures.fail(nodeId + " answered the proposal '" + command + "' with the result of '"
                    + applied.command() + "' at index " + applied.index());
        }
        String committed = commandByIndex.get(applied.index());
        if (!command.equals(committed)) {
            throw failures.fail(nodeId + " acknowledged '" + command + "' at index " + applied.index()
                    + " where '" + committed + "' was applied");
        }
        proposalsAcked++;
        highestAckedIndex = Math.max(highestAckedIndex, applied.index());
    }

    /** A linearizable read started when {@link #readFloor()} was {@code floor}. */
    void readAnswered(String nodeId, long floor, HashKvStateMachine.ReadResult result, Throwable error) {
        if (error != null) {
            requireOperatingError(nodeId, "read", error);
            return;
        }
        if (result.appliedIndex() < floor) {
            throw failures.fail("linearizable read: " + nodeId + " answered a read of " + result.key() + " from the"
                    + " state at index " + result.appliedIndex() + " but index " + floor
                    + " was acknowledged or committed before the read started");
        }
        stateAt(nodeId, result.appliedIndex(), result.hash());
        readsChecked++;
    }

    /** Clients may see these; anything else reaching a future is a bug. */
    void requireOperatingError(String nodeId, String what, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null
                ? error.getCause() : error;
        if (!(cause instanceof RaftException) && !(cause instanceof TimeoutException)) {
            throw failures.fail(nodeId + " failed a " + what + " with " + cause + ", not an operating error");
        }
    }
}
