package io.boxoffice.raft.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.boxoffice.raft.core.SnapshotMeta;
import io.boxoffice.raft.errors.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Snapshot files: written durably, read back verified, copied chunk by chunk, never trusted when damaged. */
class SnapshotStoreTest {

    @TempDir
    Path directory;

    private static final SnapshotMeta META = new SnapshotMeta(4_200, 7, LogStoreContractTest.THREE_VOTERS);

    private static byte[] payload(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    @Test
    void a_written_snapshot_reads_back_byte_for_byte() throws IOException {
        SnapshotStore store = new SnapshotStore(directory);
        byte[] payload = payload(3 * 1024 * 1024 + 17);

        long size = store.write(META, out -> out.write(payload));

        assertThat(store.contains(META)).isTrue();
        assertThat(size).isGreaterThan(payload.length).isEqualTo(store.sizeOf(META));
        try (InputStream in = store.openPayload(META)) {
            assertThat(in.readAllBytes()).isEqualTo(payload);
        }
    }

    @Test
    void a_flipped_byte_fails_the_checksum_when_the_payload_is_read() throws IOException {
        SnapshotStore store = new SnapshotStore(directory);
        store.write(META, out -> out.write(payload(100_000)));
        Path file = directory.resolve(String.format("snapshot-%020d-%020d.snap", META.index(), META.term()));
        try (RandomAccessFile raw = new RandomAccessFile(file.toFile(), "rw")) {
            raw.seek(50_000);
            int original = raw.read();
            raw.seek(50_000);
            raw.write(original ^ 0x40);
        }

        try (InputStream in = store.openPayload(META)) {
            assertThatThrownBy(in::readAllBytes).isInstanceOf(IOException.class).hasMessageContaining("checksum");
        }
    }

    @Test
    void a_file_of_another_snapshot_is_refused() throws IOException {
        SnapshotStore store = new SnapshotStore(directory);
        store.write(META, out -> out.write(payload(10)));
        SnapshotMeta other = new SnapshotMeta(META.index(), META.term() + 1, META.configuration());
        Files.copy(directory.resolve(String.format("snapshot-%020d-%020d.snap", META.index(), META.term())),
                directory.resolve(String.format("snapshot-%020d-%020d.snap", other.index(), other.term())));

        assertThatThrownBy(() -> store.openPayload(other)).isInstanceOf(StorageException.class)
                .hasMessageContaining("holds snapshot");
    }

    @Test
    void a_copy_made_of_chunks_with_a_broken_transfer_in_the_middle_is_complete_and_identical() throws IOException {
        SnapshotStore leader = new SnapshotStore(directory.resolve("leader"));
        SnapshotStore follower = new SnapshotStore(directory.resolve("follower"));
        byte[] payload = payload(1_000_003);
        leader.write(META, out -> out.write(payload));

        try (IncomingSnapshot copy = follower.incoming(META);
             FileChannel source = leader.openFile(META.index(), META.term()).orElseThrow()) {
            long size = source.size();
            // First transfer breaks off after 300 KiB; the second resumes at the copy's size.
            copyRange(source, copy, 0, 300 * 1024, size);
            copyRange(source, copy, copy.size(), size, size);
            assertThat(copy.isComplete()).isTrue();
            copy.complete();
        }

        try (InputStream in = follower.openPayload(META)) {
            assertThat(in.readAllBytes()).isEqualTo(payload);
        }
    }

    @Test
    void a_copy_whose_bytes_were_garbled_in_transit_is_never_moved_into_place() throws IOException {
        SnapshotStore leader = new SnapshotStore(directory.resolve("leader"));
        SnapshotStore follower = new SnapshotStore(directory.resolve("follower"));
        leader.write(META, out -> out.write(payload(200_000)));
        IncomingSnapshot copy = follower.incoming(META);
        try (FileChannel source = leader.openFile(META.index(), META.term()).orElseThrow()) {
            ByteBuffer all = ByteBuffer.allocate((int) source.size());
            source.read(all, 0);
            all.flip();
            all.put(100_000, (byte) (all.get(100_000) ^ 1));
            copy.append(0, source.size(), all);
        }

        assertThatThrownBy(copy::complete).isInstanceOf(StorageException.class).hasMessageContaining("checksum");
        assertThat(follower.contains(META)).isFalse();
    }

    @Test
    void a_chunk_that_does_not_continue_the_copy_is_refused() {
        SnapshotStore follower = new SnapshotStore(directory);
        try (IncomingSnapshot copy = follower.incoming(META)) {
            assertThatThrownBy(() -> copy.append(10, 100, ByteBuffer.allocate(5)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected 0");
        }
    }

    @Test
    void pruning_keeps_only_the_named_snapshot_and_a_restart_removes_partial_files() throws IOException {
        SnapshotStore store = new SnapshotStore(directory);
        SnapshotMeta older = new SnapshotMeta(100, 1, META.configuration());
        store.write(older, out -> out.write(payload(10)));
        store.write(META, out -> out.write(payload(10)));
        store.incoming(new SnapshotMeta(9_000, 9, META.configuration())).append(0, 1_000, ByteBuffer.allocate(10));

        store.retainOnly(META);
        assertThat(store.contains(older)).isFalse();
        SnapshotStore reopened = new SnapshotStore(directory);

        assertThat(reopened.list()).hasSize(1);
        assertThat(reopened.contains(META)).isTrue();
        assertThat(reopened.contains(older)).isFalse();
        try (var incoming = Files.list(directory.resolve("incoming"))) {
            assertThat(incoming).isEmpty();
        }
    }

    @Test
    void pruning_after_a_new_snapshot_keeps_a_newer_copy_that_waits_to_be_installed() {
        SnapshotStore store = new SnapshotStore(directory);
        SnapshotMeta older = new SnapshotMeta(100, 1, META.configuration());
        SnapshotMeta copiedFromLeader = new SnapshotMeta(META.index() + 500, 8, META.configuration());
        store.write(older, out -> out.write(payload(10)));
        store.write(copiedFromLeader, out -> out.write(payload(10)));
        store.write(META, out -> out.write(payload(10)));

        store.retireOlderThan(META);

        assertThat(store.contains(older)).isFalse();
        assertThat(store.contains(META)).isTrue();
        assertThat(store.contains(copiedFromLeader)).isTrue();
    }

    @Test
    void a_retired_file_is_gone_from_the_store_at_once_and_from_the_disk_once_deleted() throws IOException {
        SnapshotStore store = new SnapshotStore(directory);
        SnapshotMeta older = new SnapshotMeta(100, 1, META.configuration());
        store.write(older, out -> out.write(payload(10_000)));
        store.write(META, out -> out.write(payload(10)));

        store.retireOlderThan(META);

        assertThat(store.contains(older)).isFalse();
        assertThat(store.openFile(older.index(), older.term())).isEmpty();
        assertThat(store.list()).extracting(meta -> meta[0]).containsExactly(META.index());
        assertThat(retiredFiles()).hasSize(1);

        store.deleteRetired();

        assertThat(retiredFiles()).isEmpty();
        assertThat(store.contains(META)).isTrue();
    }

    @Test
    void a_restart_deletes_files_retired_but_not_yet_deleted() throws IOException {
        SnapshotStore store = new SnapshotStore(directory);
        SnapshotMeta older = new SnapshotMeta(100, 1, META.configuration());
        store.write(older, out -> out.write(payload(10)));
        store.write(META, out -> out.write(payload(10)));
        store.retireOlderThan(META);

        assertThat(retiredFiles()).hasSize(1);

        new SnapshotStore(directory);

        assertThat(retiredFiles()).isEmpty();
    }

    /** Names of the files in the store's directory that wait to be deleted. */
    private List<String> retiredFiles() throws IOException {
        try (var files = Files.list(directory)) {
            return files.map(path -> path.getFileName().toString())
                    .filter(name -> name.endsWith(SnapshotStore.RETIRED_SUFFIX)).toList();
        }
    }

    private static void copyRange(FileChannel source, IncomingSnapshot copy, long from, long to, long size)
            throws IOException {
        int chunk = 64 * 1024;
        for (long position = from; position < to; ) {
            ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(chunk, to - position));
            source.read(buffer, position);
            buffer.flip();
            copy.append(position, size, buffer);
            position += buffer.limit();
        }
    }
}
