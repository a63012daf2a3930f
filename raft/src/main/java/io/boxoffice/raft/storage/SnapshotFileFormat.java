package io.boxoffice.raft.storage;

import io.boxoffice.raft.core.Configuration;
import io.boxoffice.raft.core.SnapshotMeta;
import io.boxoffice.raft.errors.StorageException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The layout of a snapshot file:
 * <pre>
 *   magic "BXSNAP02" (8 bytes)
 *   header length (4) | header: index (8) | term (8) | configuration length (4) | configuration
 *   payload: the state machine's bytes, any length
 *   trailer: length of everything before the trailer (8) | CRC32C of everything before the trailer (4)
 * </pre>
 * A file is self-describing (a follower checks that what it copied is the snapshot it was offered) and
 * self-checking (a torn or garbled copy fails the trailer check and is never installed).
 */
final class SnapshotFileFormat {

    static final byte[] MAGIC = "BXSNAP02".getBytes(StandardCharsets.US_ASCII);
    static final int TRAILER_BYTES = 8 + 4;
    /** Far above any real configuration; a larger header means a garbled file. */
    static final int HEADER_BYTES_MAX = 1 << 20;

    private SnapshotFileFormat() {
    }

    /** Magic, header length and header. */
    static byte[] prologue(SnapshotMeta meta) {
        byte[] configuration = meta.configuration().encode();
        ByteBuffer buffer = ByteBuffer.allocate(MAGIC.length + 4 + 8 + 8 + 4 + configuration.length);
        buffer.put(MAGIC).putInt(8 + 8 + 4 + configuration.length);
        buffer.putLong(meta.index()).putLong(meta.term()).putInt(configuration.length).put(configuration);
        return buffer.array();
    }

    static byte[] trailer(long lengthBeforeTrailer, int crc32c) {
        return ByteBuffer.allocate(TRAILER_BYTES).putLong(lengthBeforeTrailer).putInt(crc32c).array();
    }

    /** Parses the prologue from the start of a file. */
    static Prologue readPrologue(ByteBuffer start, String where) {
        if (start.remaining() < MAGIC.length + 4) {
            throw new StorageException(where + ": too short to be a snapshot file");
        }
        byte[] magic = new byte[MAGIC.length];
        start.get(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new StorageException(where + ": not a snapshot file of this version (bad magic)");
        }
        int headerLength = start.getInt();
        if (headerLength < 20 || headerLength > HEADER_BYTES_MAX || start.remaining() < headerLength) {
            throw new StorageException(where + ": bad header length " + headerLength);
        }
        long index = start.getLong();
        long term = start.getLong();
        int configurationLength = start.getInt();
        if (configurationLength != headerLength - 20) {
            throw new StorageException(where + ": bad configuration length " + configurationLength);
        }
        byte[] configuration = new byte[configurationLength];
        start.get(configuration);
        if (index < 0 || term < 0) {
            throw new StorageException(where + ": negative index " + index + " or term " + term);
        }
        try {
            return new Prologue(new SnapshotMeta(index, term, Configuration.decode(configuration)),
                    MAGIC.length + 4 + headerLength);
        } catch (IllegalArgumentException e) {
            throw new StorageException(where + ": bad configuration", e);
        }
    }

    /** The snapshot's meta and where its payload begins. */
    record Prologue(SnapshotMeta meta, int payloadOffset) {
    }
}
