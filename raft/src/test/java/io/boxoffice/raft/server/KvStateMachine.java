package io.boxoffice.raft.server;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * A tiny key-value state machine for tests. Commands are UTF-8 {@code key=value}; applying one
 * returns the previous value (empty if none). The command {@code explode} throws, to test that a
 * failing state machine stops the node.
 */
public final class KvStateMachine implements StateMachine {

    private final TreeMap<String, String> values = new TreeMap<>();
    private long lastAppliedIndex;

    public static byte[] put(String key, String value) {
        return (key + "=" + value).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] apply(long index, byte[] command) {
        String text = new String(command, StandardCharsets.UTF_8);
        if (text.equals("explode")) {
            throw new IllegalStateException("state machine exploded at index " + index);
        }
        int separator = text.indexOf('=');
        if (separator < 0) {
            return "ERR no '='".getBytes(StandardCharsets.UTF_8); // A rejected command is a result, not a failure.
        }
        String previous = values.put(text.substring(0, separator), text.substring(separator + 1));
        lastAppliedIndex = index;
        return previous == null ? new byte[0] : previous.getBytes(StandardCharsets.UTF_8);
    }

    /** Driver thread only: call it from a {@link RaftServer#read} query. */
    public String get(String key) {
        return values.get(key);
    }

    /** Driver thread only. */
    public Map<String, String> copy() {
        return new TreeMap<>(values);
    }

    public long lastAppliedIndex() {
        return lastAppliedIndex;
    }

    @Override
    public byte[] snapshot() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeLong(lastAppliedIndex);
            out.writeInt(values.size());
            for (Map.Entry<String, String> entry : values.entrySet()) {
                out.writeUTF(entry.getKey());
                out.writeUTF(entry.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    @Override
    public void restore(byte[] snapshot) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(snapshot))) {
            lastAppliedIndex = in.readLong();
            int size = in.readInt();
            values.clear();
            for (int i = 0; i < size; i++) {
                values.put(in.readUTF(), in.readUTF());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
