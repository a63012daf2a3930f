package io.boxoffice.raft.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * The core's records check their invariants with explicit checks, not {@code assert}: every launcher runs
 * without {@code -ea}, and a broken invariant must still stop the node. The exception is the one the driver
 * treats as fatal (IllegalStateException), never the AssertionError an {@code assert} would throw under
 * {@code -ea} only.
 */
class RecordInvariantsTest {

    @Test
    void an_entry_at_index_or_term_zero_is_a_broken_invariant() {
        assertThatThrownBy(() -> new Entry(0, 1, EntryKind.NOOP, new byte[0]))
                .isExactlyInstanceOf(IllegalStateException.class).hasMessageContaining("invariant violated");
        assertThatThrownBy(() -> new Entry(1, 0, EntryKind.NOOP, new byte[0]))
                .isExactlyInstanceOf(IllegalStateException.class).hasMessageContaining("invariant violated");
        assertThat(new Entry(1, 1, EntryKind.NOOP, new byte[0]).index()).isEqualTo(1);
    }

    @Test
    void a_negative_hard_state_or_snapshot_position_is_a_broken_invariant() {
        assertThatThrownBy(() -> new HardState(-1, null, 0)).isExactlyInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new HardState(0, null, -1)).isExactlyInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new SnapshotMeta(-1, 0, Configuration.EMPTY))
                .isExactlyInstanceOf(IllegalStateException.class);
        assertThat(HardState.INITIAL.term()).isZero();
    }
}
