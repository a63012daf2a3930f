package io.boxoffice.raft.core;

import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.Set;

/** Pure quorum arithmetic over a set of voters (§5.2, §5.3). No state, no I/O. */
public final class Quorum {

    private Quorum() {
    }

    /** Smallest number of voters that forms a majority of {@code voterCount}. */
    public static int majority(int voterCount) {
        return voterCount / 2 + 1;
    }

    /**
     * The highest index that a majority of voters has stored: the commit candidate of §5.3.
     * Voters missing from {@code matchIndexById} count as 0. Returns 0 for an empty voter set.
     */
    public static long committedIndex(Set<String> voterIds, Map<String, Long> matchIndexById) {
        if (voterIds.isEmpty()) {
            return 0;
        }
        long[] matches = new long[voterIds.size()];
        int i = 0;
        for (String id : voterIds) {
            matches[i++] = matchIndexById.getOrDefault(id, 0L);
        }
        Arrays.sort(matches);
        // Sorted ascending; the value at this position is held by at least a majority.
        return matches[voterIds.size() - majority(voterIds.size())];
    }

    /** Whether the ids in {@code granted} that are voters form a majority of {@code voterIds}. */
    public static boolean hasMajority(Set<String> voterIds, Collection<String> granted) {
        int count = 0;
        for (String id : granted) {
            if (voterIds.contains(id)) {
                count++;
            }
        }
        return !voterIds.isEmpty() && count >= majority(voterIds.size());
    }

    /** Whether the voters in {@code rejected} make a majority impossible. */
    public static boolean isLost(Set<String> voterIds, Collection<String> rejected) {
        int count = 0;
        for (String id : rejected) {
            if (voterIds.contains(id)) {
                count++;
            }
        }
        return voterIds.size() - count < majority(voterIds.size());
    }
}
