package io.boxoffice.raft.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxoffice.raft.core.Entry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a process that is appending synced batches (SIGKILL, at a random moment) and checks that
 * everything it reported durable survived, contiguous and intact. SIGKILL keeps the OS page cache,
 * so this proves atomicity and ordering of our writes, not the disk's behaviour on power loss.
 */
class RocksDbLogStoreCrashTest {

    private static final int CRASHES = 4;
    private static final long WAIT_FOR_FIRST_SYNC_MILLIS = 10_000;

    @TempDir
    Path directory;

    @Test
    void when_the_process_is_killed_mid_append_then_every_reported_sync_survives_intact() throws Exception {
        Random random = new Random();
        long seed = random.nextLong();
        Path db = directory.resolve("db");
        long previousSynced = 0;
        for (int crash = 0; crash < CRASHES; crash++) {
            long synced = runAndKill(db, seed + crash, 50 + random.nextInt(400));
            assertThat(synced).as("child made progress (seed %d)", seed).isGreaterThan(previousSynced);
            verify(db, synced, seed);
            previousSynced = synced;
        }
    }

    private static long runAndKill(Path db, long seed, long runMillis) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                CrashingAppender.class.getName(), db.toString(), Long.toString(seed))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        AtomicLong lastSynced = new AtomicLong();
        Thread reader = Thread.ofPlatform().daemon().start(() -> readSyncReports(child, lastSynced));
        try {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_FOR_FIRST_SYNC_MILLIS);
            while (lastSynced.get() == 0 && System.nanoTime() < deadline && child.isAlive()) {
                Thread.sleep(5);
            }
            assertThat(lastSynced.get()).as("child reported a synced write").isPositive();
            Thread.sleep(runMillis);
        } finally {
            child.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no RocksDB close.
            child.waitFor(10, TimeUnit.SECONDS);
        }
        reader.join(5_000);
        return lastSynced.get();
    }

    private static void readSyncReports(Process child, AtomicLong lastSynced) {
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.startsWith("synced ")) {
                    lastSynced.set(Long.parseLong(line.substring("synced ".length())));
                }
            }
        } catch (java.io.IOException e) {
            // The pipe breaks when the child is killed; everything read so far counts.
        }
    }

    private static void verify(Path db, long reportedSynced, long seed) {
        try (RocksDbLogStore store = new RocksDbLogStore(db)) {
            PersistentState state = store.load(); // Throws on a torn record or a gap.
            long snapshotIndex = state.snapshot() == null ? 0 : state.snapshot().index();
            if (state.snapshot() != null) {
                assertThat(state.snapshot()).isEqualTo(CrashingAppender.snapshotAt(snapshotIndex));
                assertThat(state.logStartIndex()).isEqualTo(snapshotIndex);
            }
            long lastIndex = state.logStartIndex();
            for (Entry entry : state.entries()) {
                assertThat(entry.index()).as("contiguous (seed %d)", seed).isEqualTo(lastIndex + 1);
                assertThat(entry).isEqualTo(CrashingAppender.entryAt(entry.index()));
                lastIndex = entry.index();
            }
            assertThat(lastIndex).as("every reported sync survived (seed %d)", seed)
                    .isGreaterThanOrEqualTo(reportedSynced);
            assertThat(state.hardState().commitIndex()).isEqualTo(lastIndex);
        }
    }
}
