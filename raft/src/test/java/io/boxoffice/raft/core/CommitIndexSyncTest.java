package io.boxoffice.raft.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which writes must be synced ({@link Ready#mustSync}): entries, snapshots, terms and votes always; a hard state
 * that moves only the commit index never, so a leader applies a committed entry without a second fsync. A commit
 * index lost that way is recovered from the state machine's applied index.
 */
class CommitIndexSyncTest {

    private static byte[] command(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void a_leader_syncs_its_new_entry_but_not_the_commit_index_that_lets_it_apply_it() {
        ScriptedCluster c = ScriptedCluster.of("a", "b", "c");
        c.elect("a");
        c.readies.values().forEach(List::clear);

        c.node("a").propose(command("book"));
        c.settle();

        List<Ready> leader = c.readies.get("a");
        Ready appended = leader.stream().filter(r -> !r.entriesToPersist().isEmpty()).findFirst().orElseThrow();
        assertThat(appended.mustSync()).isTrue();
        Ready applying = leader.stream().filter(r -> !r.committedEntries().isEmpty()).findFirst().orElseThrow();
        assertThat(applying.entriesToPersist()).isEmpty();
        assertThat(applying.hardState()).isNotNull();
        assertThat(applying.hardState().commitIndex()).isEqualTo(applying.committedEntries().getLast().index());
        assertThat(applying.mustSync()).isFalse();
    }

    @Test
    void a_new_term_or_vote_is_synced_before_it_is_sent() {
        ScriptedCluster c = ScriptedCluster.of("a", "b", "c");
        c.elect("a");

        Ready voted = c.readies.get("b").stream()
                .filter(r -> r.hardState() != null && "a".equals(r.hardState().votedFor())).findFirst().orElseThrow();
        assertThat(voted.mustSync()).isTrue();
    }

    @Test
    void a_restarted_node_whose_commit_index_was_lost_takes_its_state_machines_applied_index() {
        Configuration voters = ScriptedCluster.voters("a", "b", "c");
        List<Entry> log = List.of(new Entry(1, 2, EntryKind.COMMAND, command("x")),
                new Entry(2, 2, EntryKind.COMMAND, command("y")), new Entry(3, 2, EntryKind.COMMAND, command("z")));

        RaftNode node = new RaftNode(ScriptedCluster.config("a"), bound -> 0,
                new InitialState(new HardState(2, "a", 1), null, null, log, voters, 3));

        assertThat(node.commitIndex()).isEqualTo(3);
        assertThat(node.hasReady()).isTrue(); // the raised commit index is written back
        assertThat(node.ready().committedEntries()).isEmpty(); // and nothing is applied twice
    }

    @Test
    void a_state_machine_ahead_of_the_log_is_refused() {
        Configuration voters = ScriptedCluster.voters("a", "b", "c");
        List<Entry> log = List.of(new Entry(1, 2, EntryKind.COMMAND, command("x")));

        assertThatThrownBy(() -> new RaftNode(ScriptedCluster.config("a"), bound -> 0,
                new InitialState(new HardState(2, "a", 1), null, null, log, voters, 2)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("state and log do not belong together");
    }
}
