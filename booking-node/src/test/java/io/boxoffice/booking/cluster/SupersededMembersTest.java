package io.boxoffice.booking.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxoffice.raft.core.Configuration;
import io.boxoffice.raft.core.Member;
import io.boxoffice.raft.core.RaftStatus;
import io.boxoffice.raft.core.Role;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When the leader removes the member of a lost volume: only once the pod's new member is a caught-up voter. */
class SupersededMembersTest {

    private static final long LAST_INDEX = 1_000;
    private static final long MAX_LAG = 16;

    private final List<Member> members = new ArrayList<>();
    private final List<RaftStatus.PeerProgress> peers = new ArrayList<>();

    private SupersededMembersTest member(String id, boolean voter, long matchIndex, boolean recentlyActive) {
        members.add(new Member(id, MemberIdentity.podOf(id) + ".peers:7070", voter));
        peers.add(new RaftStatus.PeerProgress(id, voter, matchIndex, matchIndex + 1, "REPLICATE", 0, recentlyActive));
        return this;
    }

    private RaftStatus status(String self, Role role) {
        members.add(new Member(self, MemberIdentity.podOf(self) + ".peers:7070", true));
        return new RaftStatus(self, role, 7, role == Role.LEADER ? self : "boxoffice-0", LAST_INDEX, LAST_INDEX,
                LAST_INDEX, 0, 0, new Configuration(members), role == Role.LEADER ? peers : List.of(), null);
    }

    @Test
    void when_the_new_member_is_a_caught_up_voter_then_the_old_one_is_removed() {
        member("boxoffice-1", true, 0, true).member("boxoffice-2", true, 400, false)
                .member("boxoffice-2~1796594897", true, LAST_INDEX - 3, true);

        assertThat(SupersededMembers.nextToRemove(status("boxoffice-0", Role.LEADER), MAX_LAG))
                .contains("boxoffice-2");
    }

    @Test
    void while_the_new_member_is_a_learner_or_behind_or_silent_the_old_one_stays() {
        member("boxoffice-1", true, LAST_INDEX, true).member("boxoffice-2", true, 400, false)
                .member("boxoffice-2~1796594897", false, LAST_INDEX, true);
        assertThat(SupersededMembers.nextToRemove(status("boxoffice-0", Role.LEADER), MAX_LAG)).as("learner").isEmpty();

        members.clear();
        peers.clear();
        member("boxoffice-1", true, LAST_INDEX, true).member("boxoffice-2", true, 400, false)
                .member("boxoffice-2~1796594897", true, LAST_INDEX - MAX_LAG - 1, true);
        assertThat(SupersededMembers.nextToRemove(status("boxoffice-0", Role.LEADER), MAX_LAG)).as("behind").isEmpty();

        members.clear();
        peers.clear();
        member("boxoffice-1", true, LAST_INDEX, true).member("boxoffice-2", true, 400, false)
                .member("boxoffice-2~1796594897", true, LAST_INDEX, false);
        assertThat(SupersededMembers.nextToRemove(status("boxoffice-0", Role.LEADER), MAX_LAG)).as("silent").isEmpty();
    }

    @Test
    void a_leader_of_the_new_generation_removes_its_old_one_and_an_older_learner_goes_too() {
        member("boxoffice-1", true, LAST_INDEX, true).member("boxoffice-0", true, 300, false);
        assertThat(SupersededMembers.nextToRemove(status("boxoffice-0~1796594897", Role.LEADER), MAX_LAG))
                .contains("boxoffice-0");

        members.clear();
        peers.clear();
        member("boxoffice-1", true, LAST_INDEX, true).member("boxoffice-2~1796594000", false, 20, false)
                .member("boxoffice-2~1796594897", true, LAST_INDEX, true);
        assertThat(SupersededMembers.nextToRemove(status("boxoffice-0", Role.LEADER), MAX_LAG))
                .contains("boxoffice-2~1796594000");
    }

    @Test
    void a_later_generation_of_another_pod_a_leader_of_the_old_generation_or_a_follower_remove_nothing() {
        member("boxoffice-1~1796594897", true, LAST_INDEX, true).member("boxoffice-2", true, LAST_INDEX, true)
                .member("boxoffice-10~1796594897", true, LAST_INDEX, true);
        assertThat(SupersededMembers.nextToRemove(status("boxoffice-0", Role.LEADER), MAX_LAG))
                .as("different pods, and boxoffice-10 is not boxoffice-1").isEmpty();

        members.clear();
        peers.clear();
        member("boxoffice-1", true, LAST_INDEX, true).member("boxoffice-0~1796594897", true, LAST_INDEX, true);
        assertThat(SupersededMembers.nextToRemove(status("boxoffice-0", Role.LEADER), MAX_LAG))
                .as("two live processes claim one pod: wait for an operator").isEmpty();

        members.clear();
        peers.clear();
        member("boxoffice-2", true, 400, false).member("boxoffice-2~1796594897", true, LAST_INDEX, true);
        assertThat(SupersededMembers.nextToRemove(status("boxoffice-1", Role.FOLLOWER), MAX_LAG))
                .as("only the leader changes membership").isEmpty();
    }
}
