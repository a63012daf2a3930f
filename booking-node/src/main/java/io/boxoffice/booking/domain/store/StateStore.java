package io.boxoffice.booking.domain.store;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import io.boxoffice.proto.replicated.v1.StateMeta;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.FlushOptions;
import org.rocksdb.IndexType;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Snapshot;
import org.rocksdb.WALRecoveryMode;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteBatchWithIndex;
import org.rocksdb.WriteOptions;

/**
 * The booking state on disk: one RocksDB of its own (apart from the Raft log), keys as {@link Keys} lays
 * them out, values internal protobuf records. Commands write into a pending batch that later reads in the
 * same batch see; {@link #commit} writes it with the state's meta (applied index, clock, hash) in one
 * atomic write, unsynced: the Raft log is the durable truth, and after a crash the state's meta says from
 * where to replay it. {@link #sync()} makes everything so far durable (before the log is compacted).
 *
 * <p>The state hash is a chain: after each command, SHA-256 of the previous hash, the command's log
 * position and every key and value it wrote, in order. Replicas that applied the same log have the same
 * hash at the same index, and computing it costs only what the command writes.
 *
 * <p>Threading: the Raft driver thread does everything, except that a {@link Capture} is written out on a
 * snapshot thread and size properties may be read from any thread. Failure: RocksDB errors become
 * {@link StateStoreException}, which stops the node.
 */
public final class StateStore implements AutoCloseable {

    public static final int FORMAT_VERSION = 1;
    static final byte[] META_KEY = Keys.id(Keys.META, "state");
    private static final byte[] SNAPSHOT_MAGIC = "BXSTATE1".getBytes(StandardCharsets.US_ASCII);
    /** Upper bound of every key: keys start with an ASCII table byte. */
    private static final byte[] END_OF_KEYS = {(byte) 0xff};
    private static final int RESTORE_BATCH_BYTES = 8 << 20;

    static {
        RocksDB.loadLibrary();
    }

    private final Path directory;
    private final Options options;
    private final LRUCache blockCache;
    private final RocksDB db;
    private final ReadOptions readOptions = new ReadOptions();
    private final WriteOptions unsynced = new WriteOptions().setSync(false);
    private final WriteBatchWithIndex pending = new WriteBatchWithIndex(true);
    private final MessageDigest commandDigest = sha256();
    /** Where {@link #digest} lays out one write before hashing it; grows to the largest write. */
    private byte[] digestScratch = new byte[256];
    private StateMeta meta;
    private byte[] stateHash;
    private int writesInCommand;
    private boolean closed;

    private StateStore(Path directory, Options options, LRUCache blockCache, RocksDB db) {
        this.directory = directory;
        this.options = options;
        this.blockCache = blockCache;
        this.db = db;
    }

    /** Opens (creating) the store in {@code directory}. */
    public static StateStore open(Path directory, StoreTuning tuning) {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new StateStoreException("cannot create the state directory " + directory, e);
        }
        LRUCache cache = new LRUCache(tuning.blockCacheBytes(), cacheShardBits(tuning.blockCacheBytes()));
        Options options = new Options().setCreateIfMissing(true)
                .setWriteBufferSize(tuning.writeBufferBytes())
                .setMaxWriteBufferNumber(tuning.writeBuffersMax())
                .setWalRecoveryMode(WALRecoveryMode.PointInTimeRecovery)
                .setMaxBackgroundJobs(2)
                // A small base level: a flush merges into at most ~32 MiB, and bigger levels compact one
                // 8 MiB file at a time, so compaction work per flush stays flat as the state grows instead
                // of rewriting the whole state every few flushes.
                .setMaxBytesForLevelBase(32L << 20)
                .setTargetFileSizeBase(8L << 20)
                // Write files out as they grow, not in bursts that stall the next write behind writeback.
                .setBytesPerSync(1L << 20)
                .setWalBytesPerSync(1L << 20)
                .setTableFormatConfig(tableFormat(cache));
        try {
            StateStore store = new StateStore(directory, options, cache, RocksDB.open(options, directory.toString()));
            store.loadMeta();
            return store;
        } catch (RocksDBException e) {
            options.close();
            cache.close();
            throw new StateStoreException("cannot open the state store in " + directory + ": " + e.getMessage(), e);
        }
    }

    /**
     * Index and filter blocks live in the block cache (so their memory is bounded with it) and are
     * partitioned: a lookup loads one small partition, never a whole file's filter. Without partitions the
     * filter of a large file (about 1.2 bytes per key: 650 KiB at half a million keys) is bigger than a
     * cache shard, cannot stay cached, and every point read of a missing key re-reads it from the file:
     * that made apply ~100 times slower once the state had grown past a few hundred thousand records.
     * The top-level index and filter of each file stay pinned in the cache.
     */
    private static BlockBasedTableConfig tableFormat(LRUCache cache) {
        return new BlockBasedTableConfig().setBlockCache(cache)
                .setFilterPolicy(new BloomFilter(10, false))
                .setIndexType(IndexType.kTwoLevelIndexSearch)
                .setPartitionFilters(true)
                .setMetadataBlockSize(4096)
                .setCacheIndexAndFilterBlocks(true)
                .setCacheIndexAndFilterBlocksWithHighPriority(true)
                .setPinTopLevelIndexAndFilter(true)
                .setPinL0FilterAndIndexBlocksInCache(true);
    }

    /**
     * Shards of the block cache: fewer than RocksDB's default, so that each shard (the most one block can
     * use) stays at least 4 MiB; at most 16 shards.
     */
    static int cacheShardBits(long cacheBytes) {
        int bits = 0;
        while (bits < 4 && cacheBytes >> (bits + 1) >= 4L << 20) {
            bits++;
        }
        return bits;
    }

    private void loadMeta() throws RocksDBException {
        byte[] stored = db.get(META_KEY);
        if (stored == null) {
            meta = StateMeta.newBuilder().setFormatVersion(FORMAT_VERSION).setStateHash(
                    com.google.protobuf.ByteString.copyFrom(new byte[32])).build();
        } else {
            meta = parse(StateMeta.parser(), stored, "state meta");
            if (meta.getFormatVersion() != FORMAT_VERSION) {
                throw new StateStoreException("the state in " + directory + " has format version "
                        + meta.getFormatVersion() + "; this build reads version " + FORMAT_VERSION);
            }
        }
        stateHash = meta.getStateHash().toByteArray();
    }

    /** The meta as of the last commit: applied index, clock, hash. */
    public StateMeta meta() {
        return meta;
    }

    // ---------------------------------------------------------------- reads (see pending writes)

    public byte[] get(byte[] key) {
        try {
            return pending.getFromBatchAndDB(db, readOptions, key);
        } catch (RocksDBException e) {
            throw failure("read", e);
        }
    }

    /** The record under {@code key}, or {@code null}. */
    public <T extends MessageLite> T get(byte[] key, Parser<T> parser) {
        byte[] value = get(key);
        return value == null ? null : parse(parser, value, "record " + printable(key));
    }

    /** Visits the entries whose key starts with {@code prefix}, in key order, until the visitor returns false. */
    public void scan(byte[] prefix, Visitor visitor) {
        scan(prefix, prefix, visitor);
    }

    /** Visits entries starting with {@code prefix}, beginning at {@code from} (inclusive), in key order. */
    public void scan(byte[] prefix, byte[] from, Visitor visitor) {
        try (RocksIterator base = db.newIterator(readOptions);
             RocksIterator it = pending.newIteratorWithBase(base)) {
            for (it.seek(from); it.isValid() && startsWith(it.key(), prefix); it.next()) {
                if (!visitor.visit(it.key(), it.value())) {
                    return;
                }
            }
            it.status();
        } catch (RocksDBException e) {
            throw failure("scan", e);
        }
    }

    /**
     * Visits entries starting with {@code prefix} in reverse key order, beginning before {@code before}
     * (exclusive; {@code null} for the last entry of the prefix), until the visitor returns false.
     */
    public void scanBackward(byte[] prefix, byte[] before, Visitor visitor) {
        byte[] start = before != null ? before : successor(prefix);
        try (RocksIterator base = db.newIterator(readOptions);
             RocksIterator it = pending.newIteratorWithBase(base)) {
            it.seekForPrev(start);
            if (it.isValid() && Arrays.equals(it.key(), start)) {
                it.prev();
            }
            for (; it.isValid() && startsWith(it.key(), prefix); it.prev()) {
                if (!visitor.visit(it.key(), it.value())) {
                    return;
                }
            }
            it.status();
        } catch (RocksDBException e) {
            throw failure("scan", e);
        }
    }

    /** Receives one entry of a scan; returns whether to go on. */
    @FunctionalInterface
    public interface Visitor {
        boolean visit(byte[] key, byte[] value);
    }

    // ---------------------------------------------------------------- writes (pending until commit)

    /** Starts a command: its writes go into the state hash together. */
    public void beginCommand() {
        commandDigest.reset();
        writesInCommand = 0;
    }

    public void put(byte[] key, MessageLite value) {
        put(key, value.toByteArray());
    }

    public void put(byte[] key, byte[] value) {
        try {
            pending.put(key, value);
        } catch (RocksDBException e) {
            throw failure("write", e);
        }
        digest((byte) 'p', key, value);
    }

    public void delete(byte[] key) {
        try {
            pending.delete(key);
        } catch (RocksDBException e) {
            throw failure("delete", e);
        }
        digest((byte) 'd', key, null);
    }

    /** Writes made by the current command so far. */
    public int writesInCommand() {
        return writesInCommand;
    }

    /** Ends the command at log position {@code ref}: chains its writes into the state hash. */
    public void endCommand(long ref) {
        commandDigest.update(stateHash);
        commandDigest.update(ByteBuffer.allocate(8).putLong(ref).array());
        stateHash = commandDigest.digest();
    }

    /** Writes every pending write, with the meta of this point, atomically (unsynced). */
    public void commit(long appliedIndex, long clockMillis) {
        meta = StateMeta.newBuilder().setFormatVersion(FORMAT_VERSION).setAppliedIndex(appliedIndex)
                .setClockMillis(clockMillis).setStateHash(com.google.protobuf.ByteString.copyFrom(stateHash)).build();
        try {
            pending.put(META_KEY, meta.toByteArray());
            db.write(unsynced, pending);
            pending.clear();
        } catch (RocksDBException e) {
            throw failure("commit", e);
        }
    }

    /** Makes everything committed so far durable. */
    public void sync() {
        try {
            db.flushWal(true);
        } catch (RocksDBException e) {
            throw failure("sync", e);
        }
    }

    /**
     * Hashes {@code operation, key length (4 bytes, big-endian), key[, value length, value]} in one
     * update: the same bytes as five separate updates, so the same state hash, but the digest's
     * per-call overhead and four small arrays per write were a measurable part of applying a booking.
     */
    private void digest(byte operation, byte[] key, byte[] value) {
        writesInCommand++;
        int length = 1 + 4 + key.length + (value == null ? 0 : 4 + value.length);
        if (digestScratch.length < length) {
            digestScratch = new byte[Math.max(length, digestScratch.length * 2)];
        }
        byte[] out = digestScratch;
        out[0] = operation;
        int at = putInt(out, 1, key.length);
        System.arraycopy(key, 0, out, at, key.length);
        at += key.length;
        if (value != null) {
            at = putInt(out, at, value.length);
            System.arraycopy(value, 0, out, at, value.length);
            at += value.length;
        }
        commandDigest.update(out, 0, at);
    }

    private static int putInt(byte[] out, int at, int value) {
        out[at] = (byte) (value >>> 24);
        out[at + 1] = (byte) (value >>> 16);
        out[at + 2] = (byte) (value >>> 8);
        out[at + 3] = (byte) value;
        return at + 4;
    }

    // ---------------------------------------------------------------- snapshots

    /**
     * A consistent view of the committed state (pending writes excluded: capture right after a commit).
     * O(1) here; the view is written out by {@link Capture#writeTo} on another thread.
     */
    public Capture capture() {
        if (pending.count() > 0) {
            throw new IllegalStateException("capture with " + pending.count() + " uncommitted writes");
        }
        return new Capture(db.getSnapshot(), meta);
    }

    /** A RocksDB snapshot of the state and the meta it was taken with. */
    public final class Capture implements AutoCloseable {
        private final Snapshot snapshot;
        private final StateMeta meta;
        private boolean released;

        private Capture(Snapshot snapshot, StateMeta meta) {
            this.snapshot = snapshot;
            this.meta = meta;
        }

        public StateMeta meta() {
            return meta;
        }

        /**
         * Writes {@code magic | meta | (key, value)* | end mark | count} and then makes the store durable
         * through this view. Streams: memory use is one record at a time.
         */
        public void writeTo(OutputStream stream) throws IOException {
            CodedOutputStream out = CodedOutputStream.newInstance(stream, 64 * 1024);
            out.writeRawBytes(SNAPSHOT_MAGIC);
            out.writeByteArrayNoTag(meta.toByteArray());
            long count = 0;
            try (ReadOptions view = new ReadOptions().setSnapshot(snapshot).setFillCache(false);
                 RocksIterator it = db.newIterator(view)) {
                for (it.seekToFirst(); it.isValid(); it.next()) {
                    byte[] key = it.key();
                    if (Arrays.equals(key, META_KEY)) {
                        continue; // The meta travels in the header.
                    }
                    out.writeByteArrayNoTag(key);
                    out.writeByteArrayNoTag(it.value());
                    count++;
                }
                it.status();
            } catch (RocksDBException e) {
                throw new IOException("cannot read the state for a snapshot: " + e.getMessage(), e);
            }
            out.writeByteArrayNoTag(new byte[0]);
            out.writeUInt64NoTag(count);
            out.flush();
            sync();
        }

        @Override
        public void close() {
            if (!released) {
                released = true;
                db.releaseSnapshot(snapshot);
            }
        }
    }

    /**
     * Replaces the whole state with a snapshot payload written by {@link Capture#writeTo}, durably. A crash
     * in the middle leaves a state whose meta says "nothing applied", so it is restored again on restart.
     *
     * @return the meta the snapshot carried
     */
    public StateMeta restore(InputStream payload) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(payload);
        in.setSizeLimit(Integer.MAX_VALUE);
        byte[] magic = in.readRawBytes(SNAPSHOT_MAGIC.length);
        if (!Arrays.equals(magic, SNAPSHOT_MAGIC)) {
            throw new IOException("not a booking state snapshot (bad magic)");
        }
        StateMeta restored = StateMeta.parseFrom(in.readByteArray());
        if (restored.getFormatVersion() != FORMAT_VERSION) {
            throw new IOException("snapshot of state format " + restored.getFormatVersion() + "; this build reads "
                    + FORMAT_VERSION);
        }
        try (WriteOptions synced = new WriteOptions().setSync(true);
             WriteOptions bulk = new WriteOptions().setDisableWAL(true)) {
            pending.clear();
            // The meta goes first with everything else: a state without meta counts as empty.
            db.deleteRange(synced, new byte[] {0}, END_OF_KEYS);
            long count = 0;
            WriteBatch batch = new WriteBatch();
            try {
                for (byte[] key = in.readByteArray(); key.length > 0; key = in.readByteArray()) {
                    batch.put(key, in.readByteArray());
                    count++;
                    if (batch.getDataSize() >= RESTORE_BATCH_BYTES) {
                        db.write(bulk, batch);
                        batch.clear();
                    }
                }
                db.write(bulk, batch);
            } finally {
                batch.close();
            }
            long expected = in.readUInt64();
            if (expected != count) {
                throw new IOException("snapshot lists " + expected + " records but holds " + count);
            }
            if (payload.read() != -1) {
                throw new IOException("trailing bytes after the snapshot's records");
            }
            // Unlogged bulk writes are durable only once flushed to files; then the meta that says so.
            try (FlushOptions wait = new FlushOptions().setWaitForFlush(true)) {
                db.flush(wait);
            }
            db.put(synced, META_KEY, restored.toByteArray());
        } catch (RocksDBException e) {
            throw failure("restore", e);
        }
        meta = restored;
        stateHash = restored.getStateHash().toByteArray();
        return restored;
    }

    /**
     * SHA-256 over every key and value but the meta, in key order: equal exactly when two stores hold the
     * same records. O(state): for tests and diagnostics, never on a hot path.
     */
    public byte[] contentDigest() {
        MessageDigest digest = sha256();
        scan(new byte[0], (key, value) -> {
            if (!Arrays.equals(key, META_KEY)) {
                digest.update(ByteBuffer.allocate(4).putInt(key.length).array());
                digest.update(key);
                digest.update(ByteBuffer.allocate(4).putInt(value.length).array());
                digest.update(value);
            }
            return true;
        });
        return digest.digest();
    }

    // ---------------------------------------------------------------- sizes, lifecycle

    /** A RocksDB integer property ("rocksdb.estimate-live-data-size", ...), for metrics. */
    public long property(String name) {
        try {
            return closed ? 0 : db.getLongProperty(name);
        } catch (RocksDBException e) {
            return 0;
        }
    }

    /** A RocksDB text property ("rocksdb.stats", ...), for diagnostics. */
    public String textProperty(String name) {
        try {
            return closed ? "" : db.getProperty(name);
        } catch (RocksDBException e) {
            return "";
        }
    }

    public long blockCacheUsageBytes() {
        return closed ? 0 : blockCache.getUsage();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        pending.close();
        readOptions.close();
        unsynced.close();
        db.close();
        options.close();
        blockCache.close();
    }

    // ---------------------------------------------------------------- helpers

    private static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    /** The smallest key greater than every key starting with {@code prefix}. */
    static byte[] successor(byte[] prefix) {
        byte[] next = Arrays.copyOf(prefix, prefix.length);
        for (int i = next.length - 1; i >= 0; i--) {
            if (next[i] != (byte) 0xff) {
                next[i]++;
                return Arrays.copyOf(next, i + 1);
            }
        }
        return END_OF_KEYS;
    }

    static <T extends MessageLite> T parse(Parser<T> parser, byte[] value, String what) {
        try {
            return parser.parseFrom(value);
        } catch (InvalidProtocolBufferException e) {
            throw new StateStoreException("the state store holds a corrupt " + what, e);
        }
    }

    private StateStoreException failure(String operation, RocksDBException e) {
        return new StateStoreException("state store " + operation + " failed in " + directory + ": " + e.getMessage(),
                e);
    }

    private static String printable(byte[] key) {
        StringBuilder text = new StringBuilder();
        for (byte b : key) {
            text.append(b >= 0x20 && b < 0x7f ? (char) b : '.');
        }
        return text.toString();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
