package io.boxoffice.raft.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.boxoffice.raft.core.message.AppendEntries;
import io.boxoffice.raft.core.message.AppendEntriesResponse;
import io.boxoffice.raft.core.message.InstallSnapshot;
import io.boxoffice.raft.core.message.RequestVote;
import io.boxoffice.raft.core.message.RequestVoteResponse;
import io.boxoffice.raft.errors.NotLeaderException;
import io.boxoffice.raft.errors.ProposalRejectedException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One test per rule of the Raft paper (and dissertation) that the core implements. */
class RaftPaperTest {

    private static byte[] cmd(int b) {
        return new byte[] {(byte) b};
    }

    @Test
    void s5_2_follower_that_hears_nothing_for_an_election_timeout_becomes_leader_with_a_majority() {
        ScriptedCluster c = ScriptedCluster.of("a", "b", "c");
        c.elect("a");
        assertThat(c.node("a").role()).isEqualTo(Role.LEADER);
        assertThat(c.node("a").currentTerm()).isEqualTo(1);
        assertThat(c.node("b").leaderId()).isEqualTo("a");
        assertThat(c.node("c").leaderId()).isEqualTo("a");
    }

    @Test
    void s5_1_a_node_that_sees_a_higher_term_adopts_it_and_becomes_follower() {
        ScriptedCluster c = ScriptedCluster.of("a", "b", "c");
        c.elect("a");
        c.node("a").step(new AppendEntries(7, "b", "a", 0, 0, List.of(), 0, 0));
        assertThat(c.node("a").role()).isEqualTo(Role.FOLLOWER);
        assertThat(c.node("a").currentTerm()).isEqualTo(7);
    }

    @Test
    void s5_2_a_voter_grants_at_most_one_vote_per_term() {
        ScriptedCluster c = ScriptedCluster.of("a", "b", "c");
        RaftNode a = c.node("a");
        a.step(new RequestVote(1, "b", "a", 0, 0, false, false));
        a.step(new RequestVote(1, "c", "a", 0, 0, false, false));
        c.flush();
        List<RequestVoteResponse> votes = c.inFlight.stream().map(RequestVoteResponse.class::cast).toList();
        assertThat(votes).extracting(RequestVoteResponse::to, RequestVoteResponse::granted)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("b", true),
                        org.assertj.core.groups.Tuple.tuple("c", false));
    }

    @Test
    void s5_4_1_a_voter_rejects_a_candidate_whose_log_is_less_up_to_date() {
        ScriptedCluster c = ScriptedCluster.of("a", "b", "c");
        c.elect("a");
        c.node("a").propose(cmd(1));
        c.settle();
        RaftNode b = c.node("b");
        // c' has an empty log, b has two entries: b must refuse.
        c.tick("b", 20); // let b's leader lease expire
        b.step(new RequestVote(5, "c", "b", 0, 0, false, false));
        c.flush();
        RequestVoteResponse answer = (RequestVoteResponse) c.inFlight.get(c.inFlight.size() - 1);
        assertThat(answer.granted()).isFalse();
    }

    @Test
    void s5_3_leader_repairs_a_follower_with_a_conflicting_suffix() {
        Configuration config = ScriptedCluster.voters("a", "b", "c");
        ScriptedCluster c = new ScriptedCluster();
        // a has a longer, newer log; b has an uncommitted entry from an old term at index 2.
        c.add("a", ScriptedCluster.config("a"), new InitialState(new HardState(3, null, 1), null, null,
                List.of(new Entry(1, 1, EntryKind.COMMAND, cmd(1)), new Entry(2, 3, EntryKind.COMMAND, cmd(3))), config, 0));
        c.add("b", ScriptedCluster.config("b"), new InitialState(new HardState(2, null, 1), null, null,
                List.of(new Entry(1, 1, EntryKind.COMMAND, cmd(1)), new Entry(2, 2, EntryKind.COMMAND, cmd(2)),
                        new Entry(3, 2, EntryKind.COMMAND, cmd(2))), config, 0));
        c.add("c", ScriptedCluster.config("c"), new InitialState(new HardState(3, null, 1), null, null,
                List.of(new Entry(1, 1, EntryKind.COMMAND, cmd(1))), config, 0));
        c.elect("a");
        assertThat(c.node("a").role()).isEqualTo(Role.LEADER);
        assertThat(c.node("b").termAt(2)).isEqualTo(3);
        assertThat(c.node("b").termAt(3)).isEqualTo(c.node("a").currentTerm());
        assertThat(c.node("b").lastIndex()).isEqualTo(c.node("a").lastIndex());
    }

    @Test
    void s5_4_2_a_leader_does_not_commit_an_old_term_entry_by_counting_replicas() {
        Configuration config = ScriptedCluster.voters("a", "b", "c");
        RaftConfig oneEntryPerAppend = ScriptedCluster.config("a").withLimits(64, 1, 1 << 20);
        ScriptedCluster c = new ScriptedCluster();
        c.add("a", oneEntryPerAppend, new InitialState(new HardState(3, null, 1), null, null,
                List.of(new Entry(1, 1, EntryKind.COMMAND, cmd(1)), new Entry(2, 2, EntryKind.COMMAND, cmd(2))), config, 0));
        c.add("b", ScriptedCluster.config("b"), new InitialState(new HardState(3, null, 1), null, null,
                List.of(new Entry(1, 1, EntryKind.COMMAND, cmd(1))), config, 0));
        // c is unreachable throughout.
        // b may see the first probe (it lacks index 2 and rejects it), but never receives index 3.
        c.drop = m -> m.to().equals("c") || m.from().equals("c")
                || (m instanceof AppendEntries ae && ae.entries().stream().anyMatch(e -> e.index() == 3)
                        && c.node("b").termAt(2) == 2);
        c.elect("a");
        assertThat(c.node("a").role()).isEqualTo(Role.LEADER);
        // Index 2 (term 2) is now on a majority (a, b), but the leader is in term 4: Figure 8.
        assertThat(c.node("b").termAt(2)).isEqualTo(2);
        assertThat(c.node("a").commitIndex()).isEqualTo(1);
        // Once the leader's own no-op (term 4) reaches b (re-sent after the loss is noticed), both commit.
        c.drop = m -> m.to().equals("c") || m.from().equals("c");
        for (int i = 0; i < 10; i++) {
            c.tick("a", 1);
            c.settle();
        }
        assertThat(c.node("a").commitIndex()).isEqualTo(3);
    }

    @Test
    void s5_3_an_entry_commits_once_a_majority_stored_it_and_followers_learn_the_commit_index() {
        ScriptedCluster c = ScriptedCluster.of("a", "b", "c");
        c.elect("a");
        c.drop = m -> m.to().equals("c");
        Proposal p = c.node("a").propose(cmd(9));
        c.settle();
        assertThat(c.node("a").commitIndex()).isEqualTo(p.index());
        c.tick("a", 1);
        c.settle();
        assertThat(c.node("b").commitIndex()).isEqualTo(p.index());
        assertThat(c.applied.get("b")).extracting(Entry::index).contains(p.index());
        assertThat(c.applied.get("c")).isEmpty();
    }

    @Test
    void s9_6_pre_vote_keeps_a_rejoining_isolated_node_from_disturbing_the_term() {
        ScriptedCluster c = ScriptedCluster.of("a", "b", "c");
        c.elect("a");
        long term = c.node("a").currentTerm();
        c.drop = m -> m.to().equals("c") || m.from().equals("c");
        c.tick("c", 100); // c campaigns again and again, alone
        c.settle();
        assertThat(c.node("c").currentTerm()).isEqualTo(term);
        c.drop = m -> false;
        c.tick("c", 30);
        c.tick("a", 1);
        c.settle();
        assertThat(c.node("a").role()).isEqualTo(Role.LEADER);
        assertThat(c.node("a").currentTerm()).isEqualTo(term);
    }

    @Test
    void s9_6_two_followers_that_lose_their_leader_together_elect_one_leader_without_splitting_the_vote() {
        ScriptedCluster c = ScriptedCluster.of("a", "b", "c");
        c.elect("a");
        long term = c.node("a").currentTerm();
        c.drop = m -> m.from().equals("a") || m.to().equals("a"); // a crashed
        c.tick("b", 10);
        c.tick("c", 10); // both are pre-candidates of the same round before either hears from the other
        assertThat(c.node("b").role()).isEqualTo(Role.PRE_CANDIDATE);
        assertThat(c.node("c").role()).isEqualTo(Role.PRE_CANDIDATE);

        c.settle();

        // Equal logs: c yields to the lower id; b wins in the very next term, no second election.
        assertThat(c.node("b").role()).isEqualTo(Role.LEADER);
        assertThat(c.node("b").currentTerm()).isEqualTo(term + 1);
        assertThat(c.node("c").role()).isEqualTo(Role.FOLLOWER);
        assertThat(c.node("c").leaderId()).isEqualTo("b");
    }

    @Test
    void s9_6_a_pre_vote_dropped_while_the_voter_still_heard_from_the_leader_is_asked_again() {
        ScriptedCluster c = ScriptedCluster.of("a", "b", "c");
        c.elect("a");
        long term = c.node("a").currentTerm();
        c.drop = m -> m.from().equals("a") || m.to().equals("a"); // a crashed
        c.tick("b", 10);
        c.flush();
        c.settle(); // b's pre-vote reaches c, which still heard from a within an election timeout: dropped
        assertThat(c.node("b").role()).isEqualTo(Role.PRE_CANDIDATE);
        assertThat(c.node("c").role()).isEqualTo(Role.FOLLOWER);

        c.tick("c", 10); // c times out too: b outranks it (lower id), so b refuses c and asks c again
        c.settle();

        assertThat(c.node("b").role()).isEqualTo(Role.LEADER);
        assertThat(c.node("b").currentTerm()).isEqualTo(term + 1);
        assertThat(c.node("c").leaderId()).isEqualTo("b");
    }

    @Test
    void s9_6_a_pre_candidate_yields_to_a_pre_candidate_with_a_more_up_to_date_log() {
        ScriptedCluster c = ScriptedCluster.of("a", "b", "c");
        c.elect("a");
        c.drop = m -> m.to().equals("b"); // b misses the next entry
        c.node("a").propose(cmd(1));
        c.settle();
        long term = c.node("a").currentTerm();
        c.drop = m -> m.from().equals("a") || m.to().equals("a"); // a crashed
        c.tick("b", 10);
        c.tick("c", 10);

        c.settle();

        // c holds the entry b lacks: b, although its id is lower, yields, and c wins in the next term.
        assertThat(c.node("c").role()).isEqualTo(Role.LEADER);
        assertThat(c.node("c").currentTerm()).isEqualTo(term + 1);
        assertThat(c.node("b").leaderId()).isEqualTo("c");
    }

    @Test
    void s6_2_check_quorum_makes_a_partitioned_leader_step_down() {
        ScriptedCluster c = ScriptedCluster.of("a", "b", "c");
        c.elect("a");
        c.drop = m -> m.from().equals("a") || m.to().equals("a");
        for (int i = 0; i < 25; i++) {
            c.tick("a", 1);
            c.settle();
        }
        assertThat(c.node("a").role()).isEqualTo(Role.FOLLOWER);
    }

    @Test
    void s3_10_leadership_transfer_hands_over_to_a_caught_up_target() {
        ScriptedCluster c = ScriptedCluster.of("a", "b", "c");
        c.elect("a");
        c.node("a").propose(cmd(1));
        c.settle();
        c.node("a").transferLeadership("c");
        c.settle();
        assertThat(c.node("c").role()).isEqualTo(Role.LEADER);
        assertThat(c.node("a").role()).isEqualTo(Role.FOLLOWER);
        assertThat(c.node("a").leaderId()).isEqualTo("c");
    }

    @Test
    void s3_10_proposals_are_refused_while_a_transfer_is_in_progress() {
        ScriptedCluster c = ScriptedCluster.of("a", "b", "c");
        c.elect("a");
        c.drop = m -> m.to().equals("c");
        c.node("a").propose(cmd(1));
        c.node("a").transferLeadership("c");
        assertThatThrownBy(() -> c.node("a").propose(cmd(2))).isInstanceOf(ProposalRejectedException.class)
                .hasMessageContaining("transferred to c");
    }

    @Test
    void s6_4_read_index_is_released_only_after_a_quorum_confirms_leadership() {
        ScriptedCluster c = ScriptedCluster.of("a", "b", "c");
        c.elect("a");
        c.drop = m -> m.from().equals("b") || m.from().equals("c");
        c.node("a").readIndex(77);
        c.settle();
        assertThat(c.readStates).isEmpty();
        c.drop = m -> false;
        c.node("a").readIndex(78);
        c.settle();
        assertThat(c.readStates).extracting(ReadState::readId).contains(77L, 78L);
        assertThat(c.readStates.get(0).index()).isEqualTo(c.node("a").commitIndex());
    }

    @Test
    void s6_4_reads_fail_when_leadership_is_lost_before_confirmation() {
        ScriptedCluster c = ScriptedCluster.of("a", "b", "c");
        c.elect("a");
        c.drop = m -> m.from().equals("b") || m.from().equals("c");
        c.node("a").readIndex(5);
        c.settle();
        c.node("a").step(new AppendEntries(9, "b", "a", 0, 0, List.of(), 0, 0));
        c.flush();
        assertThat(c.failedReads).containsExactly(5L);
    }

    @Test
    void a_follower_refuses_proposals_and_names_the_leader() {
        ScriptedCluster c = ScriptedCluster.of("a", "b", "c");
        c.elect("a");
        assertThatThrownBy(() -> c.node("b").propose(cmd(1))).isInstanceOf(NotLeaderException.class)
                .satisfies(e -> assertThat(((NotLeaderException) e).leaderId()).contains("a"));
    }

    @Test
    void s4_learners_replicate_but_do_not_count_and_are_promoted_only_when_caught_up() {
        ScriptedCluster c = ScriptedCluster.of("a", "b", "c");
        c.elect("a");
        c.add("d", ScriptedCluster.config("d"), InitialState.fresh(Configuration.EMPTY));
        c.drop = m -> m.to().equals("d");
        c.node("a").proposeConfigChange(new ConfigChange.AddLearner("d", "d:7000"));
        c.settle();
        assertThat(c.node("a").configuration().contains("d")).isTrue();
        assertThat(c.node("a").configuration().isVoter("d")).isFalse();
        assertThatThrownBy(() -> c.node("a").proposeConfigChange(new ConfigChange.Promote("d")))
                .isInstanceOf(ProposalRejectedException.class).hasMessageContaining("not caught up");
        c.drop = m -> false;
        c.tick("a", 1);
        c.settle();
        assertThat(c.node("d").lastIndex()).isEqualTo(c.node("a").lastIndex());
        c.node("a").proposeConfigChange(new ConfigChange.Promote("d"));
        c.settle();
        assertThat(c.node("d").configuration().isVoter("d")).isTrue();
    }

    @Test
    void s4_1_only_one_membership_change_may_be_uncommitted() {
        ScriptedCluster c = ScriptedCluster.of("a", "b", "c");
        c.elect("a");
        c.drop = m -> true;
        c.node("a").proposeConfigChange(new ConfigChange.AddLearner("d", "d:7000"));
        assertThatThrownBy(() -> c.node("a").proposeConfigChange(new ConfigChange.AddLearner("e", "e:7000")))
                .isInstanceOf(ProposalRejectedException.class).hasMessageContaining("already in progress");
    }

    @Test
    void s7_a_follower_behind_the_compacted_log_copies_the_offered_snapshot_installs_it_and_catches_up() {
        Configuration config = ScriptedCluster.voters("a", "b", "c");
        ScriptedCluster c = new ScriptedCluster();
        for (String id : List.of("a", "b", "c")) {
            c.add(id, ScriptedCluster.config(id), InitialState.fresh(config));
        }
        c.elect("a");
        c.drop = m -> m.to().equals("c");
        for (int i = 0; i < 10; i++) {
            c.node("a").propose(cmd(i));
        }
        c.settle();
        long applied = c.node("a").status().appliedIndex();
        SnapshotMeta snapshot = new SnapshotMeta(applied, c.node("a").termAt(applied), config);
        LogStart start = c.node("a").compact(snapshot, applied);
        assertThat(start).isEqualTo(new LogStart(applied, snapshot.term(), config));
        c.drop = m -> false;

        // The lost pipelined appends are noticed after a few ticks without an answer; then a probes c.
        tickAndSettle(c, "a", 10);

        // The offer carries no bytes: c asks its driver to copy the file from a, then waits.
        assertThat(c.fetches.get("c")).containsExactly(new SnapshotFetch(snapshot, "a"));
        assertThat(c.node("c").snapshotFetched(snapshot, true)).isTrue();
        c.settle();
        assertThat(c.installed.get("c")).containsExactly(snapshot);
        assertThat(c.node("c").status().snapshotIndex()).isEqualTo(applied);
        assertThat(c.node("c").lastIndex()).isEqualTo(c.node("a").lastIndex());
        assertThat(c.node("c").commitIndex()).isEqualTo(c.node("a").commitIndex());
    }

    @Test
    void s7_when_the_copy_fails_the_leader_offers_its_snapshot_again_after_an_election_timeout() {
        Configuration config = ScriptedCluster.voters("a", "b", "c");
        ScriptedCluster c = new ScriptedCluster();
        for (String id : List.of("a", "b", "c")) {
            c.add(id, ScriptedCluster.config(id), InitialState.fresh(config));
        }
        c.elect("a");
        c.drop = m -> m.to().equals("c");
        c.node("a").propose(cmd(1));
        c.settle();
        long applied = c.node("a").status().appliedIndex();
        SnapshotMeta snapshot = new SnapshotMeta(applied, c.node("a").termAt(applied), config);
        c.node("a").compact(snapshot, applied);
        c.drop = m -> false;
        tickAndSettle(c, "a", 10);
        assertThat(c.fetches.get("c")).hasSize(1);

        assertThat(c.node("c").snapshotFetched(snapshot, false)).isFalse();
        c.settle();
        assertThat(c.installed.get("c")).isEmpty();
        tickAndSettle(c, "a", ScriptedCluster.config("a").electionTimeoutTicks());

        assertThat(c.fetches.get("c")).hasSize(2).allSatisfy(fetch -> assertThat(fetch.meta()).isEqualTo(snapshot));
    }

    @Test
    void s7_a_follower_that_has_everything_a_snapshot_covers_answers_done_without_copying() {
        ScriptedCluster c = ScriptedCluster.of("a", "b", "c");
        c.elect("a");
        c.node("a").propose(cmd(1));
        c.settle();
        long commit = c.node("b").commitIndex();
        SnapshotMeta covered = new SnapshotMeta(commit, c.node("b").termAt(commit), ScriptedCluster.voters("a", "b", "c"));

        c.node("b").step(new InstallSnapshot(c.node("a").currentTerm(), "a", "b", covered));
        c.flush();

        assertThat(c.fetches.get("b")).isEmpty();
        assertThat(c.inFlight).anySatisfy(m -> assertThat(m).isInstanceOfSatisfying(
                io.boxoffice.raft.core.message.InstallSnapshotResponse.class, r -> assertThat(r.done()).isTrue()));
    }

    @Test
    void s7_compaction_keeps_catch_up_entries_so_a_slightly_lagging_follower_needs_no_snapshot() {
        Configuration config = ScriptedCluster.voters("a", "b", "c");
        ScriptedCluster c = new ScriptedCluster();
        for (String id : List.of("a", "b", "c")) {
            c.add(id, ScriptedCluster.config(id), InitialState.fresh(config));
        }
        c.elect("a");
        c.drop = m -> m.to().equals("c");
        for (int i = 0; i < 10; i++) {
            c.node("a").propose(cmd(i));
        }
        c.settle();
        long applied = c.node("a").status().appliedIndex();
        SnapshotMeta snapshot = new SnapshotMeta(applied, c.node("a").termAt(applied), config);
        c.node("a").compact(snapshot, applied - 20); // More catch-up entries than c lags by.
        c.drop = m -> false;

        tickAndSettle(c, "a", 10);

        assertThat(c.fetches.get("c")).isEmpty();
        assertThat(c.node("c").lastIndex()).isEqualTo(c.node("a").lastIndex());
    }

    @Test
    void s5_1_a_stale_leader_learns_the_new_term_from_a_rejection() {
        ScriptedCluster c = ScriptedCluster.of("a", "b", "c");
        c.elect("a");
        c.node("b").step(new AppendEntries(5, "c", "b", 0, 0, List.of(), 0, 0));
        c.flush();
        c.inFlight.clear();
        c.node("b").step(new AppendEntries(1, "a", "b", 0, 0, List.of(), 0, 0));
        c.flush();
        AppendEntriesResponse r = (AppendEntriesResponse) c.inFlight.get(0);
        assertThat(r.term()).isEqualTo(5);
        assertThat(r.success()).isFalse();
    }

    private static void tickAndSettle(ScriptedCluster c, String id, int ticks) {
        for (int i = 0; i < ticks; i++) {
            c.tick(id, 1);
            c.settle();
        }
    }
}
