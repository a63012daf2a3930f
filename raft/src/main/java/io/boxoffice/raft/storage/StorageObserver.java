package io.boxoffice.raft.storage;

/**
 * Receives timings of a log store's durable writes, for latency metrics. Called on the thread that
 * writes (the Raft driver thread): implementations must be cheap and must not throw or block.
 */
@FunctionalInterface
public interface StorageObserver {

    /** Does nothing. */
    StorageObserver NONE = durationNanos -> {
    };

    /** The write-ahead log was fsynced, which took {@code durationNanos}. */
    void walSynced(long durationNanos);
}
