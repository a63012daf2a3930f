package io.boxoffice.raft.storage;

import io.boxoffice.raft.core.Entry;
import io.boxoffice.raft.core.EntryKind;
import io.boxoffice.raft.core.HardState;
import io.boxoffice.raft.core.SnapshotMeta;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Child process of {@link RocksDbLogStoreCrashTest}: appends synced batches to a RocksDB log store
 * until killed, printing {@code synced <lastIndex>} after each write returns (that is, once the
 * batch is durable). Payloads are a pure function of the index so the parent can check them.
 */
public final class CrashingAppender {

    static final long SNAPSHOT_EVERY_ENTRIES = 500;
    static final long ENTRIES_KEPT_AFTER_SNAPSHOT = 100;
    /** Bounds the run even if the parent never kills this process. */
    static final long MAX_ENTRIES = 2_000_000;

    private CrashingAppender() {
    }

    public static void main(String[] args) {
        Path directory = Path.of(args[0]);
        Random random = new Random(Long.parseLong(args[1]));
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        try (RocksDbLogStore store = new RocksDbLogStore(directory)) {
            PersistentState state = store.load();
            long lastIndex = state.entries().isEmpty() ? state.logStartIndex()
                    : state.entries().get(state.entries().size() - 1).index();
            long lastSnapshotIndex = state.snapshot() == null ? 0 : state.snapshot().index();
            while (lastIndex < MAX_ENTRIES) {
                List<Entry> batch = new ArrayList<>();
                int size = 1 + random.nextInt(32);
                for (int i = 1; i <= size; i++) {
                    batch.add(entryAt(lastIndex + i));
                }
                lastIndex += size;
                store.write(new PersistBatch(new HardState(1, "self", lastIndex), batch, null, true));
                out.println("synced " + lastIndex);
                out.flush();
                if (lastIndex - lastSnapshotIndex >= SNAPSHOT_EVERY_ENTRIES) {
                    lastSnapshotIndex = lastIndex - ENTRIES_KEPT_AFTER_SNAPSHOT;
                    store.compact(snapshotAt(lastSnapshotIndex), LogStoreContractTest.start(lastSnapshotIndex, 1));
                }
            }
        }
    }

    static Entry entryAt(long index) {
        return new Entry(index, 1, EntryKind.COMMAND, payloadAt(index));
    }

    static byte[] payloadAt(long index) {
        Random payloadRandom = new Random(index * 7919);
        byte[] payload = new byte[16 + payloadRandom.nextInt(240)];
        payloadRandom.nextBytes(payload);
        return payload;
    }

    static SnapshotMeta snapshotAt(long index) {
        return new SnapshotMeta(index, 1, LogStoreContractTest.THREE_VOTERS);
    }
}
