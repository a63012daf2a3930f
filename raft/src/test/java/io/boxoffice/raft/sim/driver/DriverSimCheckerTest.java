package io.boxoffice.raft.sim.driver;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.boxoffice.raft.core.Entry;
import io.boxoffice.raft.core.EntryKind;
import io.boxoffice.raft.core.HardState;
import io.boxoffice.raft.core.message.AppendEntries;
import io.boxoffice.raft.core.message.AppendEntriesResponse;
import io.boxoffice.raft.core.message.RequestVoteResponse;
import io.boxoffice.raft.storage.PersistBatch;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The driver simulation's checks can fail: each test shows a driver mistake, stated as what a member holds durably
 * when something leaves it, being reported (and the correct order passing).
 */
class DriverSimCheckerTest {

    private final Map<String, NodeDisk> disks = new LinkedHashMap<>();
    private final DriverSimChecker checker = new DriverSimChecker(disks, id -> null,
            violation -> new DriverSimulationFailure(0, violation, "", "", null));

    DriverSimCheckerTest() {
        for (String id : List.of("n1", "n2", "n3")) {
            disks.put(id, new NodeDisk(id, Path.of("unused")));
        }
        checker.configurationUsed(Set.of("n1", "n2", "n3"));
    }

    private void persist(String id, HardState hardState, Entry... entries) {
        NodeDisk disk = disks.get(id);
        disk.log.write(new PersistBatch(hardState, List.of(entries), null, true));
        disk.changed();
    }

    private static Entry command(long index, long term, String text) {
        return new Entry(index, term, EntryKind.COMMAND, text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void when_a_vote_leaves_before_it_is_durable_then_the_check_fails() {
        persist("n1", new HardState(4, null, 0));
        RequestVoteResponse grant = new RequestVoteResponse(5, "n1", "n2", true, false);

        assertThatThrownBy(() -> checker.beforeSend("n1", grant)).hasMessageContaining("persist before send");

        persist("n1", new HardState(5, "n2", 0));
        assertThatCode(() -> checker.beforeSend("n1", grant)).doesNotThrowAnyException();
    }

    @Test
    void when_a_voter_grants_two_candidates_in_one_term_then_election_safety_fails() {
        persist("n1", new HardState(5, "n2", 0));
        checker.beforeSend("n1", new RequestVoteResponse(5, "n1", "n2", true, false));
        persist("n1", new HardState(5, "n3", 0)); // A driver that lost the durable vote, say.

        assertThatThrownBy(() -> checker.beforeSend("n1", new RequestVoteResponse(5, "n1", "n3", true, false)))
                .hasMessageContaining("Election Safety");
    }

    @Test
    void when_entries_are_acknowledged_before_they_are_durable_then_the_check_fails() {
        persist("n2", new HardState(3, "n1", 0), command(1, 3, "k=1"), command(2, 3, "k=2"));
        AppendEntriesResponse ack = new AppendEntriesResponse(3, "n2", "n1", true, 3, 0, 0);

        assertThatThrownBy(() -> checker.beforeSend("n2", ack)).hasMessageContaining("acknowledges entries up to 3");

        persist("n2", null, command(3, 3, "k=3"));
        assertThatCode(() -> checker.beforeSend("n2", ack)).doesNotThrowAnyException();
    }

    @Test
    void a_leader_may_send_an_entry_before_it_is_durable_but_not_announce_its_commit() {
        persist("n1", new HardState(3, "n1", 0), command(1, 3, "k=1"));
        AppendEntries parallel = new AppendEntries(3, "n1", "n2", 1, 3, List.of(command(2, 3, "k=2")), 1, 0);
        AppendEntries committedTooSoon = new AppendEntries(3, "n1", "n2", 1, 3, List.of(command(2, 3, "k=2")), 2, 0);

        assertThatCode(() -> checker.beforeSend("n1", parallel)).doesNotThrowAnyException();
        assertThatThrownBy(() -> checker.beforeSend("n1", committedTooSoon))
                .hasMessageContaining("announces commit index 2");
    }

    @Test
    void when_an_entry_is_applied_before_it_is_durable_here_then_the_check_fails() {
        Entry entry = command(1, 3, "k=1");
        for (String id : List.of("n2", "n3")) {
            persist(id, new HardState(3, "n1", 0), entry);
        }
        persist("n1", new HardState(3, "n1", 0));

        assertThatThrownBy(() -> checker.beforeApply("n1", 1, entry.data()))
                .hasMessageContaining("which its log store does not durably hold");

        // Once the entry is durable here, the durable commit index may lag: it is written without a sync.
        persist("n1", null, entry);
        assertThatCode(() -> checker.beforeApply("n1", 1, entry.data())).doesNotThrowAnyException();
    }

    @Test
    void when_an_entry_no_quorum_holds_is_applied_then_the_check_fails() {
        Entry entry = command(1, 3, "k=1");
        persist("n1", new HardState(3, "n1", 1), entry);

        assertThatThrownBy(() -> checker.beforeApply("n1", 1, entry.data()))
                .hasMessageContaining("no quorum of any configuration holds durably");
    }

    @Test
    void when_a_read_misses_an_acknowledged_write_then_linearizability_fails() {
        Entry entry = command(1, 3, "k=1");
        for (String id : List.of("n1", "n2", "n3")) {
            persist(id, new HardState(3, "n1", 1), entry);
        }
        checker.beforeApply("n1", 1, entry.data());
        checker.proposalAnswered("n1", "k=1", new HashKvStateMachine.Applied(1, "k=1", null), null);
        long floor = checker.readFloor();

        assertThatThrownBy(() -> checker.readAnswered("n2", floor,
                new HashKvStateMachine.ReadResult(0, 17, "k", null, 0), null))
                .hasMessageContaining("linearizable read");
    }
}
