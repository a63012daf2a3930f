package io.boxoffice.raft.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A Ready hands the application a bounded amount of committed payload: the driver applies a Ready's entries
 * before it ticks and sends again, so this bounds how long a leader goes without heartbeats while applying.
 */
class ApplyBoundTest {

    private static final int ENTRY_BYTES = 20 * 1024;

    @Test
    void committed_entries_come_in_readies_of_at_most_the_byte_bound_in_order_and_without_gaps() {
        ScriptedCluster c = ScriptedCluster.of("solo");
        c.elect("solo");
        RaftNode solo = c.node("solo");
        long first = solo.lastIndex() + 1;
        for (int i = 0; i < 10; i++) {
            solo.propose(new byte[ENTRY_BYTES]);
        }

        List<List<Entry>> readies = new ArrayList<>();
        for (int i = 0; i < 100 && solo.hasReady(); i++) {
            Ready ready = solo.ready();
            if (!ready.committedEntries().isEmpty()) {
                readies.add(ready.committedEntries());
            }
            solo.advance(ready);
        }

        List<Long> indexes = readies.stream().flatMap(List::stream).map(Entry::index).toList();
        assertThat(indexes).containsExactlyElementsOf(
                java.util.stream.LongStream.range(first, first + 10).boxed().toList());
        assertThat(readies).hasSizeGreaterThan(1);
        assertThat(readies).allSatisfy(entries -> assertThat(entries.stream().mapToLong(e -> e.data().length).sum())
                .isLessThanOrEqualTo(RaftNode.MAX_APPLY_BYTES_PER_READY));
    }

    @Test
    void an_entry_larger_than_the_bound_is_still_handed_out_alone() {
        ScriptedCluster c = ScriptedCluster.of("solo");
        c.elect("solo");
        RaftNode solo = c.node("solo");
        solo.propose(new byte[(int) RaftNode.MAX_APPLY_BYTES_PER_READY + 1]);
        solo.propose(new byte[1]);

        List<Integer> sizes = new ArrayList<>();
        for (int i = 0; i < 100 && solo.hasReady(); i++) {
            Ready ready = solo.ready();
            ready.committedEntries().forEach(entry -> sizes.add(entry.data().length));
            if (!ready.committedEntries().isEmpty()) {
                sizes.add(-1); // end of one Ready
            }
            solo.advance(ready);
        }

        assertThat(sizes).containsSubsequence((int) RaftNode.MAX_APPLY_BYTES_PER_READY + 1, -1, 1, -1);
    }
}
