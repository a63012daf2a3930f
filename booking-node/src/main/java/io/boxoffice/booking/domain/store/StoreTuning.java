package io.boxoffice.booking.domain.store;

/**
 * Memory the state's RocksDB may use. Its memory is outside the Java heap but inside the process: with the
 * heap it decides the node's resident size, so both are set together (docs/booking-node.md).
 *
 * @param writeBufferBytes  size of one memtable; writes collect here before they are flushed to a file
 * @param writeBuffersMax   memtables kept at once (one being written, the rest waiting to be flushed)
 * @param blockCacheBytes   cache of uncompressed blocks read from the files
 */
public record StoreTuning(long writeBufferBytes, int writeBuffersMax, long blockCacheBytes) {

    public StoreTuning {
        if (writeBufferBytes < 1 << 20 || writeBuffersMax < 2 || blockCacheBytes < 1 << 20) {
            throw new IllegalArgumentException("state store tuning needs write buffers of at least 1 MiB, at least"
                    + " 2 of them and a block cache of at least 1 MiB: " + this);
        }
    }

    /** 16 MiB memtables, at most 3, and a 32 MiB block cache: at most about 80 MiB outside the heap. */
    public static StoreTuning defaults() {
        return new StoreTuning(16L << 20, 3, 32L << 20);
    }
}
