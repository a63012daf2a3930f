package io.boxoffice.raft.sim;

import java.nio.ByteBuffer;

/**
 * The replicated application of the simulation: a hash chain over every applied command, so two
 * replicas that applied the same commands in the same order have the same (index, hash).
 */
final class SimStateMachine {
    long appliedIndex;
    long hash = 17;
    long commandCount;

    void apply(long index, byte[] command) {
        assert index > appliedIndex : "apply " + index + " after " + appliedIndex;
        long h = hash;
        for (byte b : command) {
            h = h * 31 + b;
        }
        hash = h * 1_000_003 + index;
        commandCount++;
        appliedIndex = index;
    }

    void skip(long index) {
        assert index > appliedIndex : "skip " + index + " after " + appliedIndex;
        appliedIndex = index;
    }

    /** Padded so that snapshots span several InstallSnapshot chunks in the simulation. */
    static final int SNAPSHOT_PADDING_BYTES = 2000;

    byte[] snapshot() {
        ByteBuffer b = ByteBuffer.allocate(24 + SNAPSHOT_PADDING_BYTES).putLong(appliedIndex).putLong(hash)
                .putLong(commandCount);
        for (int i = 0; i < SNAPSHOT_PADDING_BYTES; i++) {
            b.put((byte) (hash >>> (i % 56)));
        }
        return b.array();
    }

    void restore(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        appliedIndex = b.getLong();
        hash = b.getLong();
        commandCount = b.getLong();
        for (int i = 0; i < SNAPSHOT_PADDING_BYTES; i++) {
            if (b.get() != (byte) (hash >>> (i % 56))) {
                throw new AssertionError("snapshot corrupted at padding byte " + i);
            }
        }
    }
}
