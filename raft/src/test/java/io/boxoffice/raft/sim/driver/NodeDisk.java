package io.boxoffice.raft.sim.driver;

import io.boxoffice.raft.storage.InMemoryLogStore;
import java.nio.file.Path;

/**
 * What one member keeps across crashes: its log store (the real {@link InMemoryLogStore}, written only through a
 * {@link CrashableLogStore} so that a crash loses what was not synced), its snapshot directory (real files, written
 * by the real {@code SnapshotStore}) and the state machine's own durable storage. The checkers read it as "what is
 * durable right now".
 */
final class NodeDisk {

    final String memberId;
    final InMemoryLogStore log = new InMemoryLogStore();
    final Path snapshotDirectory;
    /** The state machine's own storage: what {@code open()} finds after a crash. */
    KvState stateImage = KvState.EMPTY;
    private DurableView view;

    NodeDisk(String memberId, Path snapshotDirectory) {
        this.memberId = memberId;
        this.snapshotDirectory = snapshotDirectory;
    }

    DurableView durable() {
        if (view == null) {
            view = new DurableView(log.load());
        }
        return view;
    }

    /** The log store changed: the next {@link #durable()} reads it again. */
    void changed() {
        view = null;
    }
}
