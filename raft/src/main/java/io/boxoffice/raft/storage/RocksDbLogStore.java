package io.boxoffice.raft.storage;

import io.boxoffice.raft.core.Entry;
import io.boxoffice.raft.core.HardState;
import io.boxoffice.raft.core.LogStart;
import io.boxoffice.raft.core.SnapshotMeta;
import io.boxoffice.raft.errors.StorageException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * A {@link LogStore} on RocksDB (layout after SOFAJRaft's log store, without its swallowed errors).
 *
 * <p>Column families: {@code entries} (key: 8-byte big-endian index, so key order is log order) and
 * {@code meta} (hard state, member id, log start, latest snapshot meta; the snapshot's bytes are a file of
 * the {@link SnapshotStore}). Every {@link #write} is one atomic {@link WriteBatch}, synced when the batch
 * asks for it; a conflicting suffix and compacted prefixes are removed with {@code deleteRange}.
 * Every value carries a CRC32C (see {@link StorageCodec}), checked by {@link #load()}.
 *
 * <p>After any {@link StorageException} the store refuses further writes: what became durable is
 * unknown, so the only safe continuation is a restart that reloads from disk.
 */
public final class RocksDbLogStore implements LogStore {

    private static final byte[] HARD_STATE_KEY = "hard_state".getBytes(StandardCharsets.UTF_8);
    private static final byte[] MEMBER_ID_KEY = "member_id".getBytes(StandardCharsets.UTF_8);
    private static final byte[] SNAPSHOT_META_KEY = "snapshot_meta".getBytes(StandardCharsets.UTF_8);
    private static final byte[] LOG_START_KEY = "log_start".getBytes(StandardCharsets.UTF_8);
    /** Exclusive upper bound of every entry key; no entry can have this index. */
    private static final byte[] END_OF_LOG_KEY = StorageCodec.indexKey(Long.MAX_VALUE);

    static {
        RocksDB.loadLibrary();
    }

    private final Path directory;
    private final DBOptions dbOptions;
    private final ColumnFamilyOptions columnFamilyOptions;
    private final LRUCache blockCache;
    private final List<ColumnFamilyHandle> handles = new ArrayList<>();
    private final RocksDB db;
    private final ColumnFamilyHandle entriesFamily;
    private final ColumnFamilyHandle metaFamily;
    private final WriteOptions syncedWrite;
    private final WriteOptions unsyncedWrite;

    /** Mirrors of what is on disk, so appends need no read to know whether to truncate. */
    private long startIndex;
    private long snapshotIndex;
    private long lastIndex;
    private final StorageObserver observer;
    private boolean loaded;
    private boolean failed;
    private boolean closed;

    /** Opens (creating if needed) the store in {@code directory}. */
    public RocksDbLogStore(Path directory) {
        this(directory, StorageObserver.NONE);
    }

    /** Opens (creating if needed) the store in {@code directory}, reporting fsync timings to {@code observer}. */
    public RocksDbLogStore(Path directory, StorageObserver observer) {
        this(directory, observer, LogStoreMemory.defaults());
    }

    /** As above, within {@code memory} outside the heap. */
    public RocksDbLogStore(Path directory, StorageObserver observer, LogStoreMemory memory) {
        this.directory = directory;
        this.observer = observer;
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new StorageException("cannot create log directory " + directory, e);
        }
        // Files written by flushes and compactions go to the disk in 1 MiB steps instead of one burst at
        // their end: a burst queues so much I/O that the next synced append (the leader's heartbeat path
        // waits on it) stalls for a second or more on a shared disk (soak of 2026-12-07).
        dbOptions = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true)
                .setBytesPerSync(1L << 20);
        blockCache = new LRUCache(memory.blockCacheBytes());
        columnFamilyOptions = new ColumnFamilyOptions().setWriteBufferSize(memory.writeBufferBytes())
                .setMaxWriteBufferNumber(memory.writeBuffersMax())
                .setTableFormatConfig(new BlockBasedTableConfig().setBlockCache(blockCache));
        List<ColumnFamilyDescriptor> descriptors = new ArrayList<>(List.of(
                new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, columnFamilyOptions),
                new ColumnFamilyDescriptor(bytes("entries"), columnFamilyOptions),
                new ColumnFamilyDescriptor(bytes("meta"), columnFamilyOptions)));
        try {
            // RocksDB opens only with every existing family named; families of older layouts are opened and
            // left alone (their records fail the format check on load if they matter).
            for (byte[] existing : listColumnFamilies(directory)) {
                if (descriptors.stream().noneMatch(d -> Arrays.equals(d.getName(), existing))) {
                    descriptors.add(new ColumnFamilyDescriptor(existing, columnFamilyOptions));
                }
            }
            db = RocksDB.open(dbOptions, directory.toString(), descriptors, handles);
        } catch (RocksDBException e) {
            columnFamilyOptions.close();
            dbOptions.close();
            blockCache.close();
            throw new StorageException("cannot open RocksDB log store in " + directory, e);
        }
        entriesFamily = handles.get(1);
        metaFamily = handles.get(2);
        syncedWrite = new WriteOptions().setSync(true);
        unsyncedWrite = new WriteOptions().setSync(false);
    }

    public Path directory() {
        return directory;
    }

    @Override
    public PersistentState load() {
        ensureUsable();
        try {
            HardState hardState = readHardState();
            SnapshotMeta snapshot = readSnapshotMeta();
            LogStart start = readLogStart();
            snapshotIndex = snapshot == null ? 0 : snapshot.index();
            startIndex = start == null ? 0 : start.index();
            if (startIndex > snapshotIndex) {
                throw new StorageException("the log is compacted up to " + startIndex + " but the latest snapshot"
                        + " covers only " + snapshotIndex);
            }
            List<Entry> entries = readEntries(startIndex);
            lastIndex = entries.isEmpty() ? startIndex : entries.get(entries.size() - 1).index();
            if (hardState.commitIndex() > lastIndex) {
                throw new StorageException("stored commit index " + hardState.commitIndex()
                        + " is beyond the last stored index " + lastIndex + ": synced entries were lost");
            }
            loaded = true;
            return new PersistentState(hardState, snapshot, start, entries);
        } catch (RocksDBException e) {
            throw fail("cannot read the log store in " + directory, e);
        } catch (StorageException e) {
            failed = true;
            throw e;
        }
    }

    @Override
    public void write(PersistBatch batch) {
        ensureLoaded();
        List<Entry> toAppend = LogWriteRules.entriesAfterStart(batch, startIndex);
        long nextStartIndex = startIndex;
        long nextSnapshotIndex = snapshotIndex;
        long nextLastIndex = lastIndex;
        try (WriteBatch writes = new WriteBatch()) {
            SnapshotMeta snapshot = batch.snapshot();
            if (snapshot != null && snapshot.index() > snapshotIndex) {
                boolean logHoldsSnapshotEntry = snapshot.index() > startIndex
                        && termAt(snapshot.index()) == snapshot.term();
                writes.put(metaFamily, SNAPSHOT_META_KEY, StorageCodec.encodeSnapshotMeta(snapshot));
                writes.put(metaFamily, LOG_START_KEY, StorageCodec.encodeLogStart(LogStart.of(snapshot)));
                long deleteBelow = logHoldsSnapshotEntry ? snapshot.index() + 1 : Long.MAX_VALUE;
                writes.deleteRange(entriesFamily, StorageCodec.indexKey(0), StorageCodec.indexKey(deleteBelow));
                nextSnapshotIndex = snapshot.index();
                nextStartIndex = snapshot.index();
                nextLastIndex = logHoldsSnapshotEntry ? Math.max(lastIndex, nextSnapshotIndex) : nextSnapshotIndex;
            }
            if (!toAppend.isEmpty()) {
                long first = toAppend.get(0).index();
                LogWriteRules.requireNoGap(first, nextLastIndex);
                if (first <= nextLastIndex) {
                    // §5.3: a conflicting suffix is replaced; everything from `first` on goes.
                    writes.deleteRange(entriesFamily, StorageCodec.indexKey(first), END_OF_LOG_KEY);
                }
                for (Entry entry : toAppend) {
                    writes.put(entriesFamily, StorageCodec.indexKey(entry.index()), StorageCodec.encodeEntry(entry));
                }
                nextLastIndex = toAppend.get(toAppend.size() - 1).index();
            }
            if (batch.hardState() != null) {
                writes.put(metaFamily, HARD_STATE_KEY, StorageCodec.encodeHardState(batch.hardState()));
            }
            if (writes.count() > 0) {
                // The batch reaches the WAL atomically; a separate WAL fsync makes it durable before we
                // return and lets the fsync be timed on its own (group commit: one per driver loop).
                db.write(unsyncedWrite, writes);
                if (batch.sync()) {
                    long syncStart = System.nanoTime();
                    db.syncWal();
                    observer.walSynced(System.nanoTime() - syncStart);
                }
            }
        } catch (RocksDBException e) {
            throw fail("cannot write to the log store in " + directory, e);
        }
        startIndex = nextStartIndex;
        snapshotIndex = nextSnapshotIndex;
        lastIndex = nextLastIndex;
    }

    @Override
    public void compact(SnapshotMeta snapshot, LogStart newStart) {
        ensureLoaded();
        boolean newerSnapshot = snapshot.index() > snapshotIndex;
        boolean compacts = newStart != null && newStart.index() > startIndex;
        if (!newerSnapshot && !compacts) {
            return;
        }
        if (compacts && newStart.index() > Math.max(snapshotIndex, snapshot.index())) {
            throw new IllegalArgumentException("cannot compact to " + newStart.index() + " beyond the snapshot at "
                    + Math.max(snapshotIndex, snapshot.index()));
        }
        try (WriteBatch writes = new WriteBatch()) {
            if (newerSnapshot) {
                writes.put(metaFamily, SNAPSHOT_META_KEY, StorageCodec.encodeSnapshotMeta(snapshot));
            }
            if (compacts) {
                writes.put(metaFamily, LOG_START_KEY, StorageCodec.encodeLogStart(newStart));
                writes.deleteRange(entriesFamily, StorageCodec.indexKey(0), StorageCodec.indexKey(newStart.index() + 1));
            }
            db.write(syncedWrite, writes);
        } catch (RocksDBException e) {
            throw fail("cannot record the snapshot at index " + snapshot.index() + " in " + directory, e);
        }
        if (newerSnapshot) {
            snapshotIndex = snapshot.index();
        }
        if (compacts) {
            startIndex = newStart.index();
            lastIndex = Math.max(lastIndex, startIndex);
        }
    }

    @Override
    public Optional<String> memberId() {
        ensureUsable();
        try {
            byte[] value = db.get(metaFamily, MEMBER_ID_KEY);
            return value == null ? Optional.empty() : Optional.of(StorageCodec.decodeString(value, "member id"));
        } catch (RocksDBException e) {
            throw fail("cannot read the member id in " + directory, e);
        }
    }

    @Override
    public void saveMemberId(String memberId) {
        ensureUsable();
        try {
            db.put(metaFamily, syncedWrite, MEMBER_ID_KEY, StorageCodec.encodeString(memberId));
        } catch (RocksDBException e) {
            throw fail("cannot save the member id in " + directory, e);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (ColumnFamilyHandle handle : handles) {
            handle.close();
        }
        db.close();
        syncedWrite.close();
        unsyncedWrite.close();
        columnFamilyOptions.close();
        dbOptions.close();
        blockCache.close();
    }

    /** Term of the stored entry at {@code index}, or -1 when there is none. */
    private long termAt(long index) throws RocksDBException {
        byte[] value = db.get(entriesFamily, StorageCodec.indexKey(index));
        return value == null ? -1 : StorageCodec.decodeEntry(value, "entry " + index).term();
    }

    private HardState readHardState() throws RocksDBException {
        byte[] value = db.get(metaFamily, HARD_STATE_KEY);
        return value == null ? HardState.INITIAL : StorageCodec.decodeHardState(value);
    }

    private SnapshotMeta readSnapshotMeta() throws RocksDBException {
        byte[] value = db.get(metaFamily, SNAPSHOT_META_KEY);
        return value == null ? null : StorageCodec.decodeSnapshotMeta(value);
    }

    private LogStart readLogStart() throws RocksDBException {
        byte[] value = db.get(metaFamily, LOG_START_KEY);
        return value == null ? null : StorageCodec.decodeLogStart(value);
    }

    private static List<byte[]> listColumnFamilies(Path directory) throws RocksDBException {
        if (!Files.exists(directory.resolve("CURRENT"))) {
            return List.of();
        }
        try (org.rocksdb.Options options = new org.rocksdb.Options()) {
            return RocksDB.listColumnFamilies(options, directory.toString());
        }
    }

    /** Reads and validates every entry: checksums, key/index agreement and contiguity from the snapshot. */
    private List<Entry> readEntries(long afterIndex) {
        List<Entry> entries = new ArrayList<>();
        try (RocksIterator iterator = db.newIterator(entriesFamily)) {
            for (iterator.seekToFirst(); iterator.isValid(); iterator.next()) {
                long keyIndex = StorageCodec.indexFromKey(iterator.key());
                Entry entry = StorageCodec.decodeEntry(iterator.value(), "entry " + keyIndex);
                long expected = afterIndex + entries.size() + 1;
                if (entry.index() != keyIndex) {
                    throw new StorageException("entry stored under index " + keyIndex + " claims index " + entry.index());
                }
                if (keyIndex != expected) {
                    throw new StorageException("log is not contiguous: expected index " + expected + ", found "
                            + keyIndex + " (log start " + afterIndex + ")");
                }
                entries.add(entry);
            }
            iterator.status();
        } catch (RocksDBException e) {
            throw new StorageException("cannot iterate the log in " + directory, e);
        }
        return entries;
    }

    private StorageException fail(String message, RocksDBException cause) {
        failed = true;
        return new StorageException(message + ": " + cause.getMessage(), cause);
    }

    private void ensureLoaded() {
        ensureUsable();
        if (!loaded) {
            throw new IllegalStateException("load() must be called before writing to the log store");
        }
    }

    private void ensureUsable() {
        if (closed) {
            throw new StorageException("log store in " + directory + " is closed");
        }
        if (failed) {
            throw new StorageException("log store in " + directory + " failed earlier; restart the node to reload it");
        }
    }

    private static byte[] bytes(String name) {
        return name.getBytes(StandardCharsets.UTF_8);
    }
}
