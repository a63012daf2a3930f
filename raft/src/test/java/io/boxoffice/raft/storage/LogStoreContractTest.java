package io.boxoffice.raft.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.boxoffice.raft.core.Configuration;
import io.boxoffice.raft.core.Entry;
import io.boxoffice.raft.core.EntryKind;
import io.boxoffice.raft.core.HardState;
import io.boxoffice.raft.core.Member;
import io.boxoffice.raft.core.LogStart;
import io.boxoffice.raft.core.SnapshotMeta;
import io.boxoffice.raft.core.SnapshotMeta;
import io.boxoffice.raft.errors.StorageException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The {@link LogStore} contract; each implementation runs it by subclassing (after Ratis's suites). */
abstract class LogStoreContractTest {

    static final Configuration THREE_VOTERS = Configuration.ofVoters(List.of(
            new Member("a", "a:1", true), new Member("b", "b:1", true), new Member("c", "c:1", true)));

    private LogStore store;

    /** A fresh, empty store. */
    protected abstract LogStore create();

    /** Closes {@code current} and opens the same storage again; only durable stores support it. */
    protected LogStore reopen(LogStore current) {
        return null;
    }

    @BeforeEach
    void openStore() {
        store = create();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Test
    void when_nothing_was_written_then_load_returns_the_initial_state() {
        PersistentState state = store.load();

        assertThat(state.hardState()).isEqualTo(HardState.INITIAL);
        assertThat(state.snapshot()).isNull();
        assertThat(state.entries()).isEmpty();
        assertThat(store.memberId()).isEmpty();
    }

    @Test
    void when_entries_are_appended_in_batches_then_load_returns_them_in_order() {
        store.load();
        store.write(batch(null, entries(1, 3, 1)));
        store.write(batch(new HardState(1, "a", 2), entries(4, 5, 1)));

        PersistentState state = reloadOrLoad();

        assertThat(state.entries()).containsExactlyElementsOf(entries(1, 5, 1));
        assertThat(state.hardState()).isEqualTo(new HardState(1, "a", 2));
    }

    @Test
    void when_entries_conflict_then_the_whole_stored_suffix_from_the_first_new_index_is_replaced() {
        store.load();
        store.write(batch(null, entries(1, 6, 1)));
        store.write(batch(new HardState(2, null, 0), entries(4, 4, 2)));

        PersistentState state = reloadOrLoad();

        List<Entry> expected = new ArrayList<>(entries(1, 3, 1));
        expected.addAll(entries(4, 4, 2));
        assertThat(state.entries()).containsExactlyElementsOf(expected);
    }

    @Test
    void when_entries_would_leave_a_gap_then_the_write_is_refused() {
        store.load();
        store.write(batch(null, entries(1, 2, 1)));

        assertThatThrownBy(() -> store.write(batch(null, entries(4, 4, 1))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gap");
    }

    @Test
    void when_hard_state_is_written_then_every_field_round_trips() {
        store.load();
        store.write(batch(new HardState(7, "node-ü", 0), List.of()));
        assertThat(reloadOrLoad().hardState()).isEqualTo(new HardState(7, "node-ü", 0));

        store.write(batch(new HardState(8, null, 0), List.of()));
        assertThat(reloadOrLoad().hardState()).isEqualTo(new HardState(8, null, 0));
    }

    @Test
    void when_a_snapshot_beyond_the_log_is_installed_then_it_replaces_the_whole_log() {
        store.load();
        store.write(batch(null, entries(1, 5, 1)));
        SnapshotMeta snapshot = snapshot(10, 3);

        store.write(new PersistBatch(new HardState(3, null, 10), List.of(), snapshot, true));
        PersistentState state = reloadOrLoad();

        assertThat(state.snapshot()).isEqualTo(snapshot);
        assertThat(state.logStart()).isEqualTo(LogStart.of(snapshot));
        assertThat(state.entries()).isEmpty();
        assertThat(state.hardState().commitIndex()).isEqualTo(10);
    }

    @Test
    void when_a_snapshot_matching_a_stored_entry_is_installed_then_later_entries_are_kept() {
        store.load();
        store.write(batch(null, entries(1, 8, 2)));

        store.write(new PersistBatch(null, List.of(), snapshot(5, 2), true));
        PersistentState state = reloadOrLoad();

        assertThat(state.snapshot().index()).isEqualTo(5);
        assertThat(state.entries()).containsExactlyElementsOf(entries(6, 8, 2));
    }

    @Test
    void when_a_snapshot_conflicts_with_the_stored_entry_at_its_index_then_the_whole_log_goes() {
        store.load();
        store.write(batch(null, entries(1, 8, 1)));

        store.write(new PersistBatch(null, List.of(), snapshot(5, 2), true));

        assertThat(reloadOrLoad().entries()).isEmpty();
    }

    @Test
    void when_a_snapshot_and_entries_come_in_one_batch_then_entries_follow_the_snapshot() {
        store.load();
        store.write(new PersistBatch(null, entries(9, 12, 3), snapshot(10, 3), true));

        PersistentState state = reloadOrLoad();

        assertThat(state.snapshot().index()).isEqualTo(10);
        assertThat(state.entries()).containsExactlyElementsOf(entries(11, 12, 3));
    }

    @Test
    void when_the_state_machine_saves_a_snapshot_then_covered_entries_are_compacted_and_later_ones_kept() {
        store.load();
        store.write(batch(new HardState(1, "a", 6), entries(1, 10, 1)));

        store.compact(snapshot(6, 1), start(6, 1));
        store.write(batch(null, entries(11, 12, 1)));
        PersistentState state = reloadOrLoad();

        assertThat(state.snapshot().index()).isEqualTo(6);
        assertThat(state.entries()).containsExactlyElementsOf(entries(7, 12, 1));
        assertThat(state.hardState()).isEqualTo(new HardState(1, "a", 6));
    }

    @Test
    void when_compaction_keeps_catch_up_entries_then_the_log_starts_below_the_snapshot() {
        store.load();
        store.write(batch(new HardState(1, "a", 9), entries(1, 10, 1)));

        store.compact(snapshot(9, 1), start(4, 1));
        PersistentState state = reloadOrLoad();

        assertThat(state.snapshot().index()).isEqualTo(9);
        assertThat(state.logStart()).isEqualTo(start(4, 1));
        assertThat(state.entries()).containsExactlyElementsOf(entries(5, 10, 1));
    }

    @Test
    void when_only_a_newer_snapshot_is_recorded_then_no_entry_goes() {
        store.load();
        store.write(batch(null, entries(1, 10, 1)));

        store.compact(snapshot(5, 1), null);
        PersistentState state = reloadOrLoad();

        assertThat(state.snapshot().index()).isEqualTo(5);
        assertThat(state.logStart()).isNull();
        assertThat(state.entries()).containsExactlyElementsOf(entries(1, 10, 1));
    }

    @Test
    void when_an_older_snapshot_is_saved_then_the_newer_one_is_kept() {
        store.load();
        store.write(batch(null, entries(1, 10, 1)));
        store.compact(snapshot(8, 1), start(8, 1));

        store.compact(snapshot(4, 1), start(4, 1));

        PersistentState state = reloadOrLoad();
        assertThat(state.snapshot().index()).isEqualTo(8);
        assertThat(state.entries()).containsExactlyElementsOf(entries(9, 10, 1));
    }

    @Test
    void when_a_member_id_is_saved_then_it_is_returned() {
        store.load();
        store.saveMemberId("boxoffice-0");

        assertThat(store.memberId()).contains("boxoffice-0");
        LogStore reopened = reopen(store);
        if (reopened != null) {
            store = reopened;
            assertThat(store.memberId()).contains("boxoffice-0");
        }
    }

    @Test
    void when_the_store_is_reopened_then_everything_written_is_recovered() {
        store.load();
        store.saveMemberId("boxoffice-1");
        store.write(batch(new HardState(4, "b", 3), entries(1, 4, 4)));
        store.compact(snapshot(2, 4), start(2, 4));
        LogStore reopened = reopen(store);
        assumeTrue(reopened != null, "this store is not durable across instances");
        store = reopened;

        PersistentState state = store.load();

        assertThat(state.hardState()).isEqualTo(new HardState(4, "b", 3));
        assertThat(state.snapshot()).isEqualTo(snapshot(2, 4));
        assertThat(state.logStart()).isEqualTo(start(2, 4));
        assertThat(state.entries()).containsExactlyElementsOf(entries(3, 4, 4));
        assertThat(store.memberId()).contains("boxoffice-1");
    }

    @Test
    void when_the_store_is_closed_then_it_refuses_work_and_close_is_idempotent() {
        store.load();
        store.close();
        store.close();

        assertThatThrownBy(() -> store.write(batch(null, entries(1, 1, 1)))).isInstanceOf(StorageException.class);
    }

    /** Reopens when the store supports it (proving durability), else reads the live instance. */
    private PersistentState reloadOrLoad() {
        LogStore reopened = reopen(store);
        if (reopened == null) {
            return store.load();
        }
        store = reopened;
        return store.load();
    }

    static PersistBatch batch(HardState hardState, List<Entry> entries) {
        return new PersistBatch(hardState, entries, null, true);
    }

    static List<Entry> entries(long fromIndex, long toIndex, long term) {
        List<Entry> entries = new ArrayList<>();
        for (long index = fromIndex; index <= toIndex; index++) {
            EntryKind kind = index % 7 == 0 ? EntryKind.NOOP : EntryKind.COMMAND;
            byte[] data = kind == EntryKind.NOOP ? new byte[0]
                    : ("cmd-" + index + "-" + term).getBytes(StandardCharsets.UTF_8);
            entries.add(new Entry(index, term, kind, data));
        }
        return entries;
    }

    static SnapshotMeta snapshot(long index, long term) {
        return new SnapshotMeta(index, term, THREE_VOTERS);
    }

    static LogStart start(long index, long term) {
        return new LogStart(index, term, THREE_VOTERS);
    }
}
