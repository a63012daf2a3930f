package io.boxoffice.raft.sim.driver;

import io.boxoffice.raft.server.StateMachine;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * The replicated application of the driver simulation: a key-value map of {@code key=value} commands with a hash
 * chained over every command. It keeps "its own storage" on the member's {@link NodeDisk} and honours the
 * durability contract of {@link StateMachine} in one of three ways chosen per member: durable at every batch,
 * durable now and then, or durable only through the snapshots it writes (so a restart replays from its durable index,
 * or from the snapshot file when that is newer). Every apply and restore is shown to the checkers first.
 */
final class HashKvStateMachine implements StateMachine<HashKvStateMachine.Applied> {

    /** Padding so that a snapshot file spans several transport chunks. */
    static final int SNAPSHOT_PADDING_BYTES = 1500;

    enum Durability { EVERY_BATCH, SOMETIMES, SNAPSHOTS_ONLY }

    /** What a proposer gets back: the entry's index, the command applied there and the key's previous value. */
    record Applied(long index, String command, String previous) {
    }

    /** What a read sees: the state's applied index and hash, and one key's value with the index that wrote it. */
    record ReadResult(long appliedIndex, long hash, String key, String value, long writeIndex) {
    }

    /** The checkers' view of every apply and restore; any method may throw to fail the run or crash the process. */
    interface Probe {
        void beforeApply(long index, byte[] command);

        void stateAt(long index, long hash);

        void beforeRestore(long index);

        void restored(long index, long hash);

        /** For {@link Durability#SOMETIMES}: whether this batch is made durable. */
        boolean flushNow();
    }

    private final NodeDisk disk;
    private final Durability durability;
    private final Probe probe;
    private final TreeMap<String, KvState.Versioned> values = new TreeMap<>();
    private long appliedIndex;
    private long hash = KvState.EMPTY.hash();
    private long commands;

    HashKvStateMachine(NodeDisk disk, Durability durability, Probe probe) {
        this.disk = disk;
        this.durability = durability;
        this.probe = probe;
    }

    long appliedIndex() {
        return appliedIndex;
    }

    long hash() {
        return hash;
    }

    @Override
    public long open() {
        become(disk.stateImage);
        return appliedIndex;
    }

    @Override
    public Applied apply(long index, byte[] command) {
        if (index <= appliedIndex) {
            throw new AssertionError("apply(" + index + ") after the state reached " + appliedIndex
                    + ": an entry applied twice or out of order");
        }
        probe.beforeApply(index, command);
        String text = new String(command, StandardCharsets.UTF_8);
        int separator = text.indexOf('=');
        if (separator < 1) {
            throw new AssertionError("the simulation proposed a malformed command " + text);
        }
        String key = text.substring(0, separator);
        KvState.Versioned previous = values.put(key, new KvState.Versioned(text.substring(separator + 1), index));
        hash = KvState.chain(hash, command, index);
        commands++;
        appliedIndex = index;
        probe.stateAt(index, hash);
        return new Applied(index, text, previous == null ? null : previous.value());
    }

    @Override
    public void endBatch(long batchAppliedIndex) {
        if (batchAppliedIndex < appliedIndex) {
            throw new AssertionError("endBatch(" + batchAppliedIndex + ") after applying " + appliedIndex);
        }
        appliedIndex = batchAppliedIndex; // No-ops and membership changes carry no state.
        probe.stateAt(appliedIndex, hash);
        if (durability == Durability.EVERY_BATCH || (durability == Durability.SOMETIMES && probe.flushNow())) {
            disk.stateImage = image();
        }
    }

    @Override
    public StateCapture capture() {
        KvState view = image();
        return new StateCapture() {
            @Override
            public long index() {
                return view.index();
            }

            @Override
            public void writeTo(OutputStream stream) throws IOException {
                write(view, stream);
                // The contract: the state's own storage is durable through the captured index afterwards.
                if (disk.stateImage.index() < view.index()) {
                    disk.stateImage = view;
                }
            }

            @Override
            public boolean makeDurable() {
                if (durability == Durability.SNAPSHOTS_ONLY) {
                    return false; // Its snapshots are files: the driver writes one.
                }
                if (disk.stateImage.index() < view.index()) {
                    disk.stateImage = view;
                }
                return true;
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public void restore(long index, InputStream payload) throws IOException {
        probe.beforeRestore(index);
        KvState state = read(payload);
        if (state.index() != index) {
            throw new IOException("snapshot payload is at " + state.index() + ", expected " + index);
        }
        become(state);
        probe.restored(index, hash);
        if (durability == Durability.EVERY_BATCH) {
            disk.stateImage = state;
        }
    }

    /** A read's query; runs on the driver when the read is served. */
    ReadResult readKey(String key) {
        KvState.Versioned versioned = values.get(key);
        return new ReadResult(appliedIndex, hash, key, versioned == null ? null : versioned.value(),
                versioned == null ? 0 : versioned.index());
    }

    private KvState image() {
        return new KvState(appliedIndex, hash, commands, values);
    }

    private void become(KvState state) {
        values.clear();
        values.putAll(state.values());
        appliedIndex = state.index();
        hash = state.hash();
        commands = state.commands();
    }

    private static void write(KvState state, OutputStream stream) throws IOException {
        DataOutputStream out = new DataOutputStream(stream);
        out.writeLong(state.index());
        out.writeLong(state.hash());
        out.writeLong(state.commands());
        out.writeInt(state.values().size());
        for (Map.Entry<String, KvState.Versioned> entry : state.values().entrySet()) {
            out.writeUTF(entry.getKey());
            out.writeUTF(entry.getValue().value());
            out.writeLong(entry.getValue().index());
        }
        for (int i = 0; i < SNAPSHOT_PADDING_BYTES; i++) {
            out.writeByte(padding(state.hash(), i));
        }
        out.flush();
    }

    private static KvState read(InputStream stream) throws IOException {
        DataInputStream in = new DataInputStream(stream);
        long index = in.readLong();
        long stateHash = in.readLong();
        long commandCount = in.readLong();
        int size = in.readInt();
        Map<String, KvState.Versioned> read = new TreeMap<>();
        for (int i = 0; i < size; i++) {
            String key = in.readUTF();
            read.put(key, new KvState.Versioned(in.readUTF(), in.readLong()));
        }
        for (int i = 0; i < SNAPSHOT_PADDING_BYTES; i++) {
            if (in.readByte() != padding(stateHash, i)) {
                throw new IOException("snapshot payload corrupt at padding byte " + i);
            }
        }
        // Reading to the end makes the store's stream verify the file's checksum.
        if (in.read() != -1) {
            throw new IOException("trailing bytes after the snapshot payload");
        }
        return new KvState(index, stateHash, commandCount, read);
    }

    private static byte padding(long stateHash, int i) {
        return (byte) ((stateHash >>> (i % 56)) ^ i);
    }
}
