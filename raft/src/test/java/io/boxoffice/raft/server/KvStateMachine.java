package io.boxoffice.raft.server;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * A tiny key-value state machine for tests, held in memory (so {@link #open()} reports nothing durable and a
 * restart restores the latest snapshot, then replays). Commands are UTF-8 {@code key=value}; applying one
 * returns the previous value (empty if none). The command {@code explode} throws, to test that a failing
 * state machine stops the node.
 */
public final class KvStateMachine implements StateMachine<byte[]> {

    private final TreeMap<String, String> values = new TreeMap<>();
    private long lastAppliedIndex;
    private volatile int restores;

    public static byte[] put(String key, String value) {
        return (key + "=" + value).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public long open() {
        return 0;
    }

    @Override
    public byte[] apply(long index, byte[] command) {
        String text = new String(command, StandardCharsets.UTF_8);
        if (text.equals("explode")) {
            throw new IllegalStateException("state machine exploded at index " + index);
        }
        lastAppliedIndex = index;
        int separator = text.indexOf('=');
        if (separator < 0) {
            return "ERR no '='".getBytes(StandardCharsets.UTF_8); // A rejected command is a result, not a failure.
        }
        String previous = values.put(text.substring(0, separator), text.substring(separator + 1));
        return previous == null ? new byte[0] : previous.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void endBatch(long appliedIndex) {
        lastAppliedIndex = appliedIndex;
    }

    /** Only from a {@link RaftServer#read} query (it holds the state lock). */
    public String get(String key) {
        return values.get(key);
    }

    /** Only from a {@link RaftServer#read} query. */
    public Map<String, String> copy() {
        return new TreeMap<>(values);
    }

    public long lastAppliedIndex() {
        return lastAppliedIndex;
    }

    /** How often the state was replaced by a snapshot (at start-up or from a leader). */
    public int restores() {
        return restores;
    }

    @Override
    public StateCapture capture() {
        TreeMap<String, String> view = new TreeMap<>(values);
        long index = lastAppliedIndex;
        return new StateCapture() {
            @Override
            public long index() {
                return index;
            }

            @Override
            public void writeTo(OutputStream stream) throws IOException {
                DataOutputStream out = new DataOutputStream(stream);
                out.writeLong(index);
                out.writeInt(view.size());
                for (Map.Entry<String, String> entry : view.entrySet()) {
                    out.writeUTF(entry.getKey());
                    out.writeUTF(entry.getValue());
                }
                out.flush();
            }

            @Override
            public boolean makeDurable() {
                return false; // Held in memory: every snapshot is a file.
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public void restore(long index, InputStream payload) throws IOException {
        DataInputStream in = new DataInputStream(payload);
        long recorded = in.readLong();
        if (recorded != index) {
            throw new IOException("snapshot payload is at " + recorded + ", expected " + index);
        }
        int size = in.readInt();
        values.clear();
        for (int i = 0; i < size; i++) {
            values.put(in.readUTF(), in.readUTF());
        }
        if (in.read() != -1) {
            throw new IOException("trailing bytes after the snapshot payload");
        }
        lastAppliedIndex = index;
        restores++;
    }
}
