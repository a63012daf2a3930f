package io.boxoffice.raft.storage;

import io.boxoffice.raft.core.SnapshotMeta;
import io.boxoffice.raft.errors.StorageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * A copy of a leader's snapshot file in progress: chunks are appended in order (a broken transfer resumes
 * at {@link #size()}), the checksum is computed as they arrive, and {@link #complete()} moves the verified
 * file into the store. Nothing is kept in memory beyond one chunk.
 *
 * <p>Threading: used by one fetch thread at a time.
 */
public final class IncomingSnapshot implements AutoCloseable {

    private final SnapshotStore store;
    private final SnapshotMeta meta;
    private final Path partial;
    private final FileChannel channel;
    private final CRC32C crc = new CRC32C();
    private final ByteBuffer trailer = ByteBuffer.allocate(SnapshotFileFormat.TRAILER_BYTES);
    private final ByteBuffer head = ByteBuffer.allocate(SnapshotFileFormat.HEADER_BYTES_MAX + 64);
    private long size;
    private long totalBytes = -1;
    private boolean closed;

    IncomingSnapshot(SnapshotStore store, SnapshotMeta meta, Path partial) throws IOException {
        this.store = store;
        this.meta = meta;
        this.partial = partial;
        this.channel = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
    }

    public SnapshotMeta meta() {
        return meta;
    }

    /** Bytes received so far: where the next chunk must start. */
    public long size() {
        return size;
    }

    /**
     * Appends a chunk at {@code offset} (which must be {@link #size()}) of a file of {@code fileBytes}.
     *
     * @throws IllegalArgumentException when the chunk does not continue the copy or overruns the file
     */
    public void append(long offset, long fileBytes, ByteBuffer data) {
        if (offset != size) {
            throw new IllegalArgumentException("chunk at offset " + offset + ", expected " + size);
        }
        if (totalBytes < 0) {
            if (fileBytes < SnapshotFileFormat.TRAILER_BYTES) {
                throw new IllegalArgumentException("a snapshot file of " + fileBytes + " bytes is too short");
            }
            totalBytes = fileBytes;
        } else if (fileBytes != totalBytes) {
            throw new IllegalArgumentException("file size changed from " + totalBytes + " to " + fileBytes);
        }
        if (size + data.remaining() > totalBytes) {
            throw new IllegalArgumentException("chunk overruns the file: " + (size + data.remaining()) + " > "
                    + totalBytes);
        }
        // The checksum covers everything before the trailer; the trailer's own 12 bytes are kept aside.
        long checkedEnd = totalBytes - SnapshotFileFormat.TRAILER_BYTES;
        ByteBuffer view = data.duplicate();
        if (size < checkedEnd) {
            int bulk = (int) Math.min(view.remaining(), checkedEnd - size);
            ByteBuffer part = view.slice(view.position(), bulk);
            crc.update(part.duplicate());
            copyHead(size, part);
            view.position(view.position() + bulk);
        }
        while (view.hasRemaining()) {
            trailer.put(view.get());
        }
        try {
            while (data.hasRemaining()) {
                size += channel.write(data);
            }
        } catch (IOException e) {
            throw new StorageException("cannot write to " + partial, e);
        }
    }

    private void copyHead(long position, ByteBuffer part) {
        if (position < head.capacity()) {
            ByteBuffer slice = part.duplicate();
            slice.limit(slice.position() + (int) Math.min(slice.remaining(), head.capacity() - position));
            head.put(slice);
        }
    }

    /** Whether every byte of the file arrived. */
    public boolean isComplete() {
        return totalBytes >= 0 && size == totalBytes;
    }

    /**
     * Checks the copy (it is the snapshot that was offered, and its checksum matches), makes it durable and
     * moves it into the store.
     *
     * @throws StorageException when the copy is not a valid file of the offered snapshot (it is deleted)
     */
    public void complete() {
        if (!isComplete()) {
            throw new IllegalStateException("snapshot copy incomplete: " + size + " of " + totalBytes + " bytes");
        }
        try {
            ByteBuffer start = head.duplicate().flip();
            SnapshotFileFormat.Prologue prologue = SnapshotFileFormat.readPrologue(start, partial.toString());
            if (!prologue.meta().equals(meta)) {
                throw new StorageException("copied file holds snapshot " + prologue.meta() + ", not " + meta);
            }
            ByteBuffer stored = trailer.duplicate().flip();
            long length = stored.getLong();
            int storedCrc = stored.getInt();
            if (length != totalBytes - SnapshotFileFormat.TRAILER_BYTES || storedCrc != (int) crc.getValue()) {
                throw new StorageException("copied snapshot " + meta + " fails its checksum");
            }
            channel.force(true);
            channel.close();
            closed = true;
        } catch (IOException | RuntimeException e) {
            close();
            throw e instanceof StorageException s ? s : new StorageException("cannot complete " + partial, e);
        }
        store.moveIntoPlace(partial, store.pathOf(meta));
    }

    /** Abandons the copy and deletes what arrived. Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            try {
                channel.close();
            } catch (IOException e) {
                // Closing a file we only wrote to; nothing depends on it succeeding.
            }
            SnapshotStore.deleteQuietly(partial);
        }
    }
}
