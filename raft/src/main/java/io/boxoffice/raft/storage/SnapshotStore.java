package io.boxoffice.raft.storage;

import io.boxoffice.raft.core.SnapshotMeta;
import io.boxoffice.raft.errors.StorageException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;
import org.jboss.logging.Logger;

/**
 * Snapshot files of one node (§7), in a directory of their own: {@code snapshot-<index>-<term>.snap}
 * (see {@link SnapshotFileFormat}). A file is written to a temporary name, fsynced, renamed into place and
 * the directory fsynced, so a file under its final name is always complete. Copies from a leader grow in
 * {@code incoming/} and are moved into place only once verified.
 *
 * <p>Nothing here holds a whole snapshot in memory: payloads are streamed in and out.
 *
 * <p>Threading: thread-safe. Snapshots are written on a snapshot thread, served to followers from
 * transport threads, copied in on a fetch thread, retired from the driver thread (a rename) and deleted on
 * the snapshot thread, a step at a time.
 *
 * <p>Failure: I/O errors become {@link StorageException}s. A node that cannot write its snapshot cannot
 * compact its log and must stop.
 */
public final class SnapshotStore {

    private static final Logger LOG = Logger.getLogger(SnapshotStore.class);
    private static final Pattern FILE_NAME = Pattern.compile("snapshot-(\\d{20})-(\\d{20})\\.snap");
    private static final String INCOMING = "incoming";
    private static final int STREAM_BUFFER_BYTES = 256 * 1024;

    /** Written bytes between two syncs of a snapshot file being written (see {@link PacedOutputStream}). */
    static final long SYNC_EVERY_BYTES = 8L << 20;

    /** Bytes freed per step when a retired file is deleted (see {@link GradualFileDeleter}). */
    static final long DELETE_STEP_BYTES = 32L << 20;

    /** Freeing blocks costs the disk less than writing them, but with online discard not nothing. */
    static final int DELETE_RATE_TIMES_WRITE_RATE = 4;

    /** Name suffix of a file retired from the store and waiting for {@link #deleteRetired}. */
    static final String RETIRED_SUFFIX = ".deleting";

    private final Path directory;
    private final Path incomingDirectory;
    private final long writeBytesPerSecond;
    private final long deleteBytesPerSecond;

    /** Writes a state machine's payload; may take long, never on the driver thread. */
    @FunctionalInterface
    public interface PayloadWriter {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Opens (creating) the store in {@code directory}. Half-written files of an interrupted write and
     * partial copies of an earlier run are deleted: neither is ever used.
     */
    public SnapshotStore(Path directory) {
        this(directory, 0);
    }

    /**
     * @param writeBytesPerSecond the pace at which this node's own snapshots are written (0: as fast as
     *                            the disk goes); copies from a leader are paced by the network instead.
     *                            Retired files are deleted at {@value #DELETE_RATE_TIMES_WRITE_RATE} times it
     */
    public SnapshotStore(Path directory, long writeBytesPerSecond) {
        if (writeBytesPerSecond < 0) {
            throw new IllegalArgumentException("writeBytesPerSecond must be >= 0, was " + writeBytesPerSecond);
        }
        this.writeBytesPerSecond = writeBytesPerSecond;
        this.deleteBytesPerSecond = writeBytesPerSecond * DELETE_RATE_TIMES_WRITE_RATE;
        this.directory = directory;
        this.incomingDirectory = directory.resolve(INCOMING);
        try {
            Files.createDirectories(incomingDirectory);
            deleteMatching(directory, path -> path.getFileName().toString().endsWith(".tmp"));
            // Files retired by a run that stopped before it deleted them: nothing else uses the disk's queue yet.
            deleteMatching(directory, path -> path.getFileName().toString().endsWith(RETIRED_SUFFIX));
            deleteMatching(incomingDirectory, path -> true);
        } catch (IOException e) {
            throw new StorageException("cannot prepare the snapshot directory " + directory, e);
        }
    }

    public Path directory() {
        return directory;
    }

    /**
     * Writes the snapshot {@code meta} with the payload {@code payload} produces; durable on return.
     *
     * @return the size of the file in bytes
     */
    public long write(SnapshotMeta meta, PayloadWriter payload) {
        Path target = pathOf(meta);
        Path temporary = directory.resolve(target.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            CRC32C crc = new CRC32C();
            OutputStream paced = new PacedOutputStream(Channels.newOutputStream(channel), writeBytesPerSecond,
                    SYNC_EVERY_BYTES, () -> channel.force(false));
            CountingOutputStream counted = new CountingOutputStream(new CheckedOutputStream(paced, crc));
            OutputStream out = new BufferedOutputStream(counted, STREAM_BUFFER_BYTES);
            out.write(SnapshotFileFormat.prologue(meta));
            payload.writeTo(new NonClosingOutputStream(out));
            out.flush();
            long length = counted.count();
            channel.write(ByteBuffer.wrap(SnapshotFileFormat.trailer(length, (int) crc.getValue())));
            channel.force(true);
        } catch (IOException e) {
            deleteQuietly(temporary);
            throw new StorageException("cannot write the snapshot at index " + meta.index() + " to " + temporary, e);
        }
        moveIntoPlace(temporary, target);
        return sizeOf(target);
    }

    /** Whether the complete file of {@code meta} is here. */
    public boolean contains(SnapshotMeta meta) {
        return Files.isRegularFile(pathOf(meta));
    }

    /** Size of the complete file of {@code meta}. */
    public long sizeOf(SnapshotMeta meta) {
        return sizeOf(pathOf(meta));
    }

    /**
     * The payload of the snapshot {@code meta}, checked as it is read: the stream throws when the file
     * does not hold that snapshot, and at its end when the checksum does not match. The caller closes it.
     */
    public InputStream openPayload(SnapshotMeta meta) {
        Path path = pathOf(meta);
        try {
            return VerifyingPayloadStream.open(path, meta);
        } catch (NoSuchFileException e) {
            throw new StorageException("snapshot file " + path + " is missing", e);
        } catch (IOException e) {
            throw new StorageException("cannot read the snapshot file " + path, e);
        }
    }

    /** The raw file of snapshot (index, term) for sending, if this node still holds it. The caller closes it. */
    public Optional<FileChannel> openFile(long index, long term) {
        try {
            return Optional.of(FileChannel.open(directory.resolve(fileName(index, term)), StandardOpenOption.READ));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new StorageException("cannot open the snapshot file at index " + index, e);
        }
    }

    /** Starts a copy of the snapshot {@code meta} from a leader, replacing any partial copy of it. */
    public IncomingSnapshot incoming(SnapshotMeta meta) {
        Path partial = incomingDirectory.resolve(fileName(meta.index(), meta.term()) + ".partial");
        try {
            return new IncomingSnapshot(this, meta, partial);
        } catch (IOException e) {
            throw new StorageException("cannot create " + partial, e);
        }
    }

    /**
     * Retires every snapshot file but {@code keep}'s, and every partial copy: they vanish from this store at
     * once (renamed, a cheap call for the driver thread) and {@link #deleteRetired} frees their space later.
     */
    public synchronized void retainOnly(SnapshotMeta keep) {
        String kept = keep == null ? "" : fileName(keep.index(), keep.term());
        try {
            retireMatching(directory, path -> {
                Matcher name = FILE_NAME.matcher(path.getFileName().toString());
                return name.matches() && !path.getFileName().toString().equals(kept);
            });
            retireMatching(incomingDirectory, path -> true);
        } catch (IOException e) {
            // Old snapshots only cost disk space; the next prune retries. Logged with its cause.
            LOG.warnf(e, "could not retire old snapshot files in %s", directory);
        }
    }

    /**
     * Retires the snapshot files older than {@code newest} (a lower index), as {@link #retainOnly} does. Newer
     * files stay: such a file is a leader's snapshot that was copied but is not installed yet, and the log store
     * will name it once it is.
     */
    public synchronized void retireOlderThan(SnapshotMeta newest) {
        try {
            retireMatching(directory, path -> {
                Matcher name = FILE_NAME.matcher(path.getFileName().toString());
                return name.matches() && Long.parseLong(name.group(1)) < newest.index();
            });
        } catch (IOException e) {
            // Old snapshots only cost disk space; the next prune retries. Logged with its cause.
            LOG.warnf(e, "could not retire old snapshot files in %s", directory);
        }
    }

    /**
     * Deletes the retired files, a step at a time at {@link #deleteBytesPerSecond} (see {@link
     * GradualFileDeleter}): seconds for a large snapshot, so only on a snapshot thread. A transfer still reading
     * a retired file to a follower ends with an error, and the follower asks for the newest snapshot. When
     * interrupted (the server stops) the rest is left to the next call or the next start.
     */
    public void deleteRetired() {
        List<Path> retired = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*" + RETIRED_SUFFIX)) {
            files.forEach(retired::add);
        } catch (IOException e) {
            LOG.warnf(e, "could not list the retired snapshot files in %s", directory);
            return;
        }
        for (Path file : retired) {
            try {
                GradualFileDeleter.delete(file, deleteBytesPerSecond, DELETE_STEP_BYTES);
            } catch (IOException e) {
                LOG.warnf(e, "could not delete %s; the next prune retries", file);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Metas of the complete snapshot files here, oldest first (for diagnostics and tests). */
    public synchronized List<long[]> list() {
        List<long[]> found = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            for (Path path : files) {
                Matcher name = FILE_NAME.matcher(path.getFileName().toString());
                if (name.matches()) {
                    found.add(new long[] {Long.parseLong(name.group(1)), Long.parseLong(name.group(2))});
                }
            }
        } catch (IOException e) {
            throw new StorageException("cannot list " + directory, e);
        }
        found.sort((a, b) -> Long.compare(a[0], b[0]));
        return found;
    }

    Path pathOf(SnapshotMeta meta) {
        return directory.resolve(fileName(meta.index(), meta.term()));
    }

    /** Moves a complete, fsynced file under its final name and makes the rename durable. */
    synchronized void moveIntoPlace(Path source, Path target) {
        try {
            try {
                Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new StorageException("the snapshot directory " + directory + " does not support atomic renames",
                        e);
            }
            try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
                dir.force(true);
            }
        } catch (IOException e) {
            throw new StorageException("cannot move " + source + " to " + target, e);
        }
    }

    private static String fileName(long index, long term) {
        return String.format("snapshot-%020d-%020d.snap", index, term);
    }

    private static long sizeOf(Path path) {
        try {
            return Files.size(path);
        } catch (IOException e) {
            throw new StorageException("cannot read the size of " + path, e);
        }
    }

    private static void deleteMatching(Path dir, java.util.function.Predicate<Path> which) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path path : files) {
                if (Files.isRegularFile(path) && which.test(path)) {
                    Files.deleteIfExists(path);
                }
            }
        }
    }

    /** Renames the matching files of {@code dir} into this store's directory under a retired name. */
    private void retireMatching(Path dir, java.util.function.Predicate<Path> which) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path path : files) {
                if (Files.isRegularFile(path) && which.test(path)) {
                    Files.move(path, directory.resolve(path.getFileName() + RETIRED_SUFFIX),
                            StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.warnf(e, "could not delete %s", path);
        }
    }

    /** Counts what passes, so the trailer can record the length without a stat. */
    private static final class CountingOutputStream extends java.io.FilterOutputStream {
        private long count;

        CountingOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }

        long count() {
            return count;
        }
    }

    /** Keeps a payload writer from closing the file before the trailer is written. */
    private static final class NonClosingOutputStream extends java.io.FilterOutputStream {
        NonClosingOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }

    /** Reads a payload and checks the file's CRC32C when the payload ends. */
    private static final class VerifyingPayloadStream extends InputStream {
        private final InputStream in;
        private final CRC32C crc;
        private final SnapshotMeta meta;
        private final long trailerLength;
        private final int trailerCrc;
        private long remaining;
        private boolean verified;

        private VerifyingPayloadStream(InputStream in, CRC32C crc, SnapshotMeta meta, long payloadBytes,
                                       long trailerLength, int trailerCrc) {
            this.in = in;
            this.crc = crc;
            this.meta = meta;
            this.remaining = payloadBytes;
            this.trailerLength = trailerLength;
            this.trailerCrc = trailerCrc;
        }

        static InputStream open(Path path, SnapshotMeta expected) throws IOException {
            long size = Files.size(path);
            if (size < SnapshotFileFormat.TRAILER_BYTES) {
                throw new StorageException(path + " is too short to be a snapshot file");
            }
            ByteBuffer trailer = ByteBuffer.allocate(SnapshotFileFormat.TRAILER_BYTES);
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
                channel.read(trailer, size - SnapshotFileFormat.TRAILER_BYTES);
            }
            trailer.flip();
            long trailerLength = trailer.getLong();
            int trailerCrc = trailer.getInt();
            if (trailerLength != size - SnapshotFileFormat.TRAILER_BYTES) {
                throw new StorageException(path + ": the trailer records " + trailerLength + " bytes, the file has "
                        + (size - SnapshotFileFormat.TRAILER_BYTES));
            }
            InputStream raw = new BufferedInputStream(Files.newInputStream(path), STREAM_BUFFER_BYTES);
            try {
                byte[] head = raw.readNBytes((int) Math.min(trailerLength, SnapshotFileFormat.HEADER_BYTES_MAX + 64L));
                SnapshotFileFormat.Prologue prologue = SnapshotFileFormat.readPrologue(ByteBuffer.wrap(head),
                        path.toString());
                if (!prologue.meta().equals(expected)) {
                    throw new StorageException(path + " holds snapshot " + prologue.meta() + ", not " + expected);
                }
                CRC32C crc = new CRC32C();
                crc.update(head, 0, prologue.payloadOffset());
                InputStream payload = new java.io.SequenceInputStream(
                        new java.io.ByteArrayInputStream(head, prologue.payloadOffset(),
                                head.length - prologue.payloadOffset()), raw);
                return new VerifyingPayloadStream(payload, crc, expected, trailerLength - prologue.payloadOffset(),
                        trailerLength, trailerCrc);
            } catch (RuntimeException | IOException e) {
                raw.close();
                throw e;
            }
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining == 0) {
                verify();
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n < 0) {
                throw new IOException("snapshot " + meta + " ends early: " + remaining + " payload bytes missing");
            }
            crc.update(b, off, n);
            remaining -= n;
            if (remaining == 0) {
                verify();
            }
            return n;
        }

        private void verify() throws IOException {
            if (!verified && (int) crc.getValue() != trailerCrc) {
                throw new IOException("snapshot " + meta + " fails its checksum (" + trailerLength
                        + " bytes): the file is corrupt");
            }
            verified = true;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
