package io.boxoffice.raft.storage;

import io.boxoffice.raft.core.Configuration;
import io.boxoffice.raft.core.Entry;
import io.boxoffice.raft.core.EntryKind;
import io.boxoffice.raft.core.HardState;
import io.boxoffice.raft.core.LogStart;
import io.boxoffice.raft.core.SnapshotMeta;
import io.boxoffice.raft.errors.StorageException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The on-disk record format of {@link RocksDbLogStore}. Every value is framed as
 * {@code [format version: 1 byte][payload][CRC32C of version and payload: 4 bytes]}, so that a torn
 * or garbled record is detected on load rather than handed to Raft as if it were a real entry.
 *
 * <p>Decoding failures throw {@link StorageException}: a record that fails its checksum means the
 * volume can no longer be trusted, and the node must stop rather than guess.
 */
final class StorageCodec {

    /**
     * Bumped whenever a payload layout changes; old versions must stay readable or be migrated. Version 2:
     * snapshots live in files, the store keeps their meta and the log start.
     */
    static final byte FORMAT_VERSION = 2;
    private static final int FRAME_OVERHEAD_BYTES = 1 + 4;

    private StorageCodec() {
    }

    /** 8-byte big-endian key: unsigned byte order equals numeric order for non-negative indexes. */
    static byte[] indexKey(long index) {
        return ByteBuffer.allocate(Long.BYTES).putLong(index).array();
    }

    static long indexFromKey(byte[] key) {
        if (key.length != Long.BYTES) {
            throw new StorageException("entry key has " + key.length + " bytes, expected 8");
        }
        return ByteBuffer.wrap(key).getLong();
    }

    static byte[] encodeEntry(Entry entry) {
        ByteBuffer payload = ByteBuffer.allocate(8 + 8 + 1 + 4 + entry.data().length);
        payload.putLong(entry.index()).putLong(entry.term()).put((byte) entry.kind().ordinal());
        payload.putInt(entry.data().length).put(entry.data());
        return frame(payload.array());
    }

    static Entry decodeEntry(byte[] value, String where) {
        ByteBuffer payload = unframe(value, where);
        try {
            long index = payload.getLong();
            long term = payload.getLong();
            EntryKind kind = kindOf(payload.get(), where);
            byte[] data = readBytes(payload, where);
            expectFullyRead(payload, where);
            if (index <= 0 || term <= 0) {
                throw new StorageException(where + ": non-positive index " + index + " or term " + term);
            }
            return new Entry(index, term, kind, data);
        } catch (BufferUnderflowException e) {
            throw new StorageException(where + ": truncated entry", e);
        }
    }

    static byte[] encodeHardState(HardState hardState) {
        byte[] votedFor = hardState.votedFor() == null
                ? null : hardState.votedFor().getBytes(StandardCharsets.UTF_8);
        ByteBuffer payload = ByteBuffer.allocate(8 + 4 + (votedFor == null ? 0 : votedFor.length) + 8);
        payload.putLong(hardState.term());
        if (votedFor == null) {
            payload.putInt(-1);
        } else {
            payload.putInt(votedFor.length).put(votedFor);
        }
        payload.putLong(hardState.commitIndex());
        return frame(payload.array());
    }

    static HardState decodeHardState(byte[] value) {
        String where = "hard state";
        ByteBuffer payload = unframe(value, where);
        try {
            long term = payload.getLong();
            int votedForLength = payload.getInt();
            String votedFor = null;
            if (votedForLength != -1) {
                payload.position(payload.position() - 4);
                votedFor = new String(readBytes(payload, where), StandardCharsets.UTF_8);
            }
            long commitIndex = payload.getLong();
            expectFullyRead(payload, where);
            if (term < 0 || commitIndex < 0) {
                throw new StorageException(where + ": negative term " + term + " or commit index " + commitIndex);
            }
            return new HardState(term, votedFor, commitIndex);
        } catch (BufferUnderflowException e) {
            throw new StorageException(where + ": truncated record", e);
        }
    }

    /** Snapshot meta: index, term and the membership as of the index. */
    static byte[] encodeSnapshotMeta(SnapshotMeta meta) {
        return encodePosition(meta.index(), meta.term(), meta.configuration());
    }

    static SnapshotMeta decodeSnapshotMeta(byte[] value) {
        ByteBuffer payload = unframe(value, "snapshot meta");
        return new SnapshotMeta(payload.getLong(0), payload.getLong(8), decodePositionConfiguration(payload,
                "snapshot meta"));
    }

    /** The log start: the last compacted index, its term and the membership as of it. */
    static byte[] encodeLogStart(LogStart start) {
        return encodePosition(start.index(), start.term(), start.configuration());
    }

    static LogStart decodeLogStart(byte[] value) {
        ByteBuffer payload = unframe(value, "log start");
        return new LogStart(payload.getLong(0), payload.getLong(8), decodePositionConfiguration(payload,
                "log start"));
    }

    private static byte[] encodePosition(long index, long term, Configuration configuration) {
        byte[] encoded = configuration.encode();
        ByteBuffer payload = ByteBuffer.allocate(8 + 8 + 4 + encoded.length);
        payload.putLong(index).putLong(term).putInt(encoded.length).put(encoded);
        return frame(payload.array());
    }

    /** Validates a position record (index, term, configuration) and returns its configuration. */
    private static Configuration decodePositionConfiguration(ByteBuffer payload, String where) {
        try {
            long index = payload.getLong();
            long term = payload.getLong();
            Configuration configuration;
            try {
                configuration = Configuration.decode(readBytes(payload, where));
            } catch (IllegalArgumentException e) {
                throw new StorageException(where + ": bad configuration", e);
            }
            expectFullyRead(payload, where);
            if (index < 0 || term < 0) {
                throw new StorageException(where + ": negative index " + index + " or term " + term);
            }
            return configuration;
        } catch (BufferUnderflowException e) {
            throw new StorageException(where + ": truncated record", e);
        }
    }

    static byte[] encodeString(String value) {
        return frame(value.getBytes(StandardCharsets.UTF_8));
    }

    static String decodeString(byte[] value, String where) {
        ByteBuffer payload = unframe(value, where);
        byte[] bytes = new byte[payload.remaining()];
        payload.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    static byte[] frame(byte[] payload) {
        byte[] framed = new byte[payload.length + FRAME_OVERHEAD_BYTES];
        framed[0] = FORMAT_VERSION;
        System.arraycopy(payload, 0, framed, 1, payload.length);
        ByteBuffer.wrap(framed).putInt(framed.length - 4, crc32c(framed, 0, framed.length - 4));
        return framed;
    }

    /** Checks version and checksum and returns a buffer over the payload only. */
    static ByteBuffer unframe(byte[] framed, String where) {
        if (framed == null || framed.length < FRAME_OVERHEAD_BYTES) {
            throw new StorageException(where + ": record too short to be valid");
        }
        int storedCrc = ByteBuffer.wrap(framed).getInt(framed.length - 4);
        if (storedCrc != crc32c(framed, 0, framed.length - 4)) {
            throw new StorageException(where + ": checksum mismatch (torn or corrupted record)");
        }
        if (framed[0] != FORMAT_VERSION) {
            throw new StorageException(where + ": unknown format version " + framed[0]
                    + "; this build reads version " + FORMAT_VERSION + " (a data directory of another Boxoffice"
                    + " version: run that version, or remove the directory so the member rejoins as a new one)");
        }
        return ByteBuffer.wrap(framed, 1, framed.length - FRAME_OVERHEAD_BYTES).slice();
    }

    private static int crc32c(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
    }

    private static EntryKind kindOf(byte ordinal, String where) {
        EntryKind[] kinds = EntryKind.values();
        if (ordinal < 0 || ordinal >= kinds.length) {
            throw new StorageException(where + ": unknown entry kind " + ordinal);
        }
        return kinds[ordinal];
    }

    private static byte[] readBytes(ByteBuffer buffer, String where) {
        int length = buffer.getInt();
        if (length < 0 || length > buffer.remaining()) {
            throw new StorageException(where + ": bad length " + length);
        }
        byte[] bytes = new byte[length];
        buffer.get(bytes);
        return bytes;
    }

    private static void expectFullyRead(ByteBuffer buffer, String where) {
        if (buffer.hasRemaining()) {
            throw new StorageException(where + ": " + buffer.remaining() + " unexpected trailing bytes");
        }
    }
}
