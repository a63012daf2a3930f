package io.boxoffice.raft.core;

import java.util.List;
import java.util.Objects;

/**
 * What a node starts from: what its storage recovered, or, for a brand-new cluster, the bootstrap
 * configuration.
 *
 * @param hardState     recovered hard state
 * @param snapshot      latest snapshot, or {@code null}
 * @param entries       recovered entries after the snapshot, contiguous
 * @param bootstrap     configuration to use when neither the snapshot nor the log holds one
 *                      (first start of a new cluster); {@link Configuration#EMPTY} for a node
 *                      that joins an existing cluster and waits to be contacted
 */
public record InitialState(HardState hardState, Snapshot snapshot, List<Entry> entries, Configuration bootstrap) {
    public InitialState {
        Objects.requireNonNull(hardState, "hardState");
        Objects.requireNonNull(bootstrap, "bootstrap");
        entries = List.copyOf(entries);
    }

    public static InitialState fresh(Configuration bootstrap) {
        return new InitialState(HardState.INITIAL, null, List.of(), bootstrap);
    }
}
