package io.boxoffice.raft.storage;

/**
 * The memory a {@link RocksDbLogStore} may use outside the Java heap: its memtables (each family at most
 * {@code writeBuffersMax} of {@code writeBufferBytes}) and one block cache. RocksDB's defaults (64 MiB
 * memtables, two per family) would let the log alone take a quarter of a small node's memory; the log is
 * written once, read back mostly while still in a memtable, and compacted away, so little is enough.
 *
 * @param writeBufferBytes one memtable of the entries family
 * @param writeBuffersMax  memtables of the entries family at most (one filling, the others flushing)
 * @param blockCacheBytes  the block cache shared by the store's families
 */
public record LogStoreMemory(long writeBufferBytes, int writeBuffersMax, long blockCacheBytes) {

    /** 8 MiB memtables, at most 3, and an 8 MiB block cache: about 32 MiB at the most. */
    public static LogStoreMemory defaults() {
        return new LogStoreMemory(8L << 20, 3, 8L << 20);
    }

    public LogStoreMemory {
        if (writeBufferBytes < (1L << 20)) {
            throw new IllegalArgumentException("writeBufferBytes must be at least 1 MiB, was " + writeBufferBytes);
        }
        if (writeBuffersMax < 2) {
            throw new IllegalArgumentException("writeBuffersMax must be at least 2, was " + writeBuffersMax);
        }
        if (blockCacheBytes < (1L << 20)) {
            throw new IllegalArgumentException("blockCacheBytes must be at least 1 MiB, was " + blockCacheBytes);
        }
    }
}
