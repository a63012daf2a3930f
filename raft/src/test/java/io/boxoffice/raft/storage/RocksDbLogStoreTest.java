package io.boxoffice.raft.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.boxoffice.raft.core.HardState;
import io.boxoffice.raft.errors.StorageException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;

class RocksDbLogStoreTest extends LogStoreContractTest {

    @TempDir
    Path directory;

    @Override
    protected LogStore create() {
        return new RocksDbLogStore(directory.resolve("db"));
    }

    @Override
    protected LogStore reopen(LogStore current) {
        current.close();
        return new RocksDbLogStore(directory.resolve("db"));
    }

    @Test
    void a_synced_write_reports_its_wal_fsync_and_an_unsynced_one_does_not() {
        java.util.concurrent.atomic.AtomicInteger syncs = new java.util.concurrent.atomic.AtomicInteger();
        try (RocksDbLogStore store = new RocksDbLogStore(directory.resolve("observed"), nanos -> syncs.incrementAndGet())) {
            store.load();
            store.write(new io.boxoffice.raft.storage.PersistBatch(new io.boxoffice.raft.core.HardState(1, null, 0),
                    java.util.List.of(), null, true));
            store.write(new io.boxoffice.raft.storage.PersistBatch(new io.boxoffice.raft.core.HardState(2, null, 0),
                    java.util.List.of(), null, false));
            assertThat(syncs.get()).isEqualTo(1);
        }
    }

    @Test
    void when_a_stored_entry_is_garbled_then_load_fails_instead_of_returning_it() throws Exception {
        LogStore store = new RocksDbLogStore(directory.resolve("garbled"));
        store.load();
        store.write(batch(new HardState(1, null, 0), entries(1, 3, 1)));
        store.close();
        corruptEntry(directory.resolve("garbled"), 2);

        try (LogStore reopened = new RocksDbLogStore(directory.resolve("garbled"))) {
            assertThatThrownBy(reopened::load).isInstanceOf(StorageException.class)
                    .hasMessageContaining("checksum");
            assertThatThrownBy(() -> reopened.write(batch(null, entries(4, 4, 1))))
                    .isInstanceOf(StorageException.class);
        }
    }

    @Test
    void when_an_entry_is_missing_in_the_middle_then_load_reports_the_gap() throws Exception {
        LogStore store = new RocksDbLogStore(directory.resolve("gap"));
        store.load();
        store.write(batch(null, entries(1, 4, 1)));
        store.close();
        deleteEntry(directory.resolve("gap"), 2);

        try (LogStore reopened = new RocksDbLogStore(directory.resolve("gap"))) {
            assertThatThrownBy(reopened::load).isInstanceOf(StorageException.class)
                    .hasMessageContaining("not contiguous");
        }
    }

    @Test
    void when_the_volume_is_already_in_use_then_a_storage_exception_carries_the_cause() {
        try (LogStore first = new RocksDbLogStore(directory.resolve("locked"))) {
            assertThatThrownBy(() -> new RocksDbLogStore(directory.resolve("locked")))
                    .isInstanceOf(StorageException.class)
                    .hasCauseInstanceOf(org.rocksdb.RocksDBException.class);
        }
    }

    private static void corruptEntry(Path db, long index) throws Exception {
        withEntries(db, (rocks, entries) -> {
            byte[] key = StorageCodec.indexKey(index);
            byte[] value = rocks.get(entries, key);
            value[value.length / 2] ^= 0x40;
            rocks.put(entries, key, value);
        });
    }

    private static void deleteEntry(Path db, long index) throws Exception {
        withEntries(db, (rocks, entries) -> rocks.delete(entries, StorageCodec.indexKey(index)));
    }

    private interface RawEdit {
        void apply(RocksDB rocks, ColumnFamilyHandle entries) throws Exception;
    }

    /** Edits the raw database behind the store's back, as disk corruption would. */
    private static void withEntries(Path db, RawEdit edit) throws Exception {
        var handles = new java.util.ArrayList<ColumnFamilyHandle>();
        var descriptors = java.util.List.of(
                new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY),
                new ColumnFamilyDescriptor("entries".getBytes()),
                new ColumnFamilyDescriptor("meta".getBytes()));
        try (var options = new org.rocksdb.DBOptions();
             RocksDB rocks = RocksDB.open(options, db.toString(), descriptors, handles)) {
            edit.apply(rocks, handles.get(1));
            handles.forEach(ColumnFamilyHandle::close);
        }
    }
}
