package io.boxoffice.raft.sim.driver;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * An immutable state of {@link HashKvStateMachine}: the values, the index of the last entry applied, and a hash
 * chained over every command applied so far, so two replicas that applied the same commands in the same order have
 * the same (index, hash).
 */
record KvState(long index, long hash, long commands, Map<String, Versioned> values) {

    static final KvState EMPTY = new KvState(0, 17, 0, Map.of());

    /** A value and the index of the entry that wrote it. */
    record Versioned(String value, long index) {
    }

    KvState {
        values = Collections.unmodifiableMap(new TreeMap<>(values));
    }

    static long chain(long hash, byte[] command, long index) {
        long h = hash;
        for (byte b : command) {
            h = h * 31 + b;
        }
        return h * 1_000_003 + index;
    }
}
