package io.boxoffice.raft.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxoffice.raft.core.message.RequestVote;
import org.junit.jupiter.api.Test;

/**
 * Lease reads (dissertation §6.4.1): with check-quorum a follower refuses votes for an election timeout after
 * it heard from the leader, so a leader whose heartbeat a quorum acknowledged less than
 * {@code electionTimeoutTicks - leaseMarginTicks} ticks after sending it may answer reads without a round.
 * Election timeout 10 ticks, margin 2: the lease lasts 8 ticks from the acknowledged heartbeat's sending.
 */
class LeaseReadTest {

    private static final int MARGIN_TICKS = 2;

    private static ScriptedCluster leaderWithFreshLease() {
        ScriptedCluster c = ScriptedCluster.withLeases(MARGIN_TICKS, "a", "b", "c");
        c.elect("a");
        assertThat(c.node("a").role()).isEqualTo(Role.LEADER);
        c.tick("a", 1); // a heartbeat round ...
        c.settle(); // ... acknowledged by b and c
        return c;
    }

    @Test
    void a_leader_whose_recent_heartbeat_a_quorum_acknowledged_answers_a_read_without_a_round() {
        ScriptedCluster c = leaderWithFreshLease();
        c.drop = m -> true; // no round could complete

        c.node("a").readIndex(1);
        c.flush();

        assertThat(c.readStates).extracting(ReadState::readId).containsExactly(1L);
        assertThat(c.readStates.get(0).index()).isEqualTo(c.node("a").commitIndex());
    }

    @Test
    void the_lease_runs_out_election_timeout_minus_margin_ticks_after_the_acknowledged_heartbeat_was_sent() {
        ScriptedCluster c = leaderWithFreshLease();
        c.drop = m -> m.from().equals("b") || m.from().equals("c"); // the followers' answers are lost

        c.tick("a", 10 - MARGIN_TICKS - 1); // the last tick of the lease
        c.flush();
        c.node("a").readIndex(1);
        c.flush();
        assertThat(c.readStates).as("within the lease").extracting(ReadState::readId).containsExactly(1L);

        c.tick("a", 1);
        c.flush();
        c.node("a").readIndex(2);
        c.settle();
        assertThat(c.readStates).as("the lease ran out; the round cannot complete").extracting(ReadState::readId)
                .containsExactly(1L);

        c.drop = m -> false;
        c.tick("a", 1);
        c.settle();
        assertThat(c.readStates).as("answered by a ReadIndex round once the followers answer again")
                .extracting(ReadState::readId).containsExactly(1L, 2L);
    }

    @Test
    void a_stall_reported_as_elapsed_ticks_ends_the_lease_but_moves_the_timers_only_once() {
        ScriptedCluster c = leaderWithFreshLease();
        c.drop = m -> true;

        c.node("a").tick(50); // the driver after a 50-tick pause
        c.flush();

        assertThat(c.node("a").role()).as("check-quorum counts timer ticks: one passed").isEqualTo(Role.LEADER);
        c.node("a").readIndex(1);
        c.flush();
        assertThat(c.readStates).as("the lease counts real time: it ran out").isEmpty();
    }

    @Test
    void once_a_leadership_transfer_started_reads_need_a_round_again() {
        ScriptedCluster c = leaderWithFreshLease();
        c.drop = m -> m.to().equals("c") || m.from().equals("c") || m.from().equals("b");

        c.node("a").transferLeadership("c");
        c.node("a").readIndex(1);
        c.settle();

        assertThat(c.readStates).isEmpty();
    }

    @Test
    void without_a_margin_every_read_needs_a_round() {
        ScriptedCluster c = ScriptedCluster.of("a", "b", "c");
        c.elect("a");
        c.tick("a", 1);
        c.settle();
        c.drop = m -> true;

        c.node("a").readIndex(1);
        c.settle();

        assertThat(c.readStates).isEmpty();
    }

    @Test
    void a_restarted_node_votes_for_nobody_for_an_election_timeout_since_it_may_have_acknowledged_a_lease() {
        ScriptedCluster c = ScriptedCluster.withLeases(MARGIN_TICKS, "a", "b", "c");
        RaftNode restarted = c.add("d", ScriptedCluster.config("d").withLeaseMarginTicks(MARGIN_TICKS),
                InitialState.fresh(ScriptedCluster.voters("a", "b", "c", "d")));

        restarted.step(new RequestVote(5, "a", "d", 0, 0, false, false));
        assertThat(restarted.currentTerm()).as("ignored while just started").isZero();

        c.tick("d", 9);
        c.flush();
        c.inFlight.clear();
        restarted.step(new RequestVote(5, "a", "d", 0, 0, false, false));
        assertThat(restarted.currentTerm()).as("still within the first election timeout").isZero();

        c.tick("d", 1);
        c.flush();
        c.inFlight.clear();
        restarted.step(new RequestVote(6, "a", "d", 0, 0, false, false));
        assertThat(restarted.currentTerm()).as("heard after an election timeout").isEqualTo(6);
    }
}
