package io.boxoffice.raft.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxoffice.raft.core.Configuration;
import io.boxoffice.raft.core.Member;
import io.boxoffice.raft.storage.InMemoryLogStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The driver reports every durable log write and every applied batch: the metrics depend on it. */
class RaftObserverTest {

    @Test
    void every_durable_write_and_every_applied_entry_is_reported() throws Exception {
        AtomicLong appendedEntries = new AtomicLong();
        AtomicLong writes = new AtomicLong();
        AtomicLong applied = new AtomicLong();
        RaftObserver observer = new RaftObserver() {
            @Override
            public void logAppended(int entryCount, long durationNanos) {
                assertThat(durationNanos).isNotNegative();
                writes.incrementAndGet();
                appendedEntries.addAndGet(entryCount);
            }

            @Override
            public void entriesApplied(int entryCount) {
                applied.addAndGet(entryCount);
            }
        };
        Configuration solo = new Configuration(List.of(new Member("solo", "addr-solo", true)));
        try (LocalCluster files = new LocalCluster();
             RaftServer<byte[]> server = new RaftServer<>(RaftServerConfig.defaults("solo", solo),
                     new InMemoryLogStore(), files.snapshotStore("solo"), new LocalNetwork().transportFor("solo"),
                     new KvStateMachine(), observer, FatalErrorHandler.LOG_ONLY)) {
            server.start();
            LocalCluster.await(() -> server.status().role() == io.boxoffice.raft.core.Role.LEADER);
            for (int i = 0; i < 10; i++) {
                server.propose(KvStateMachine.put("k" + i, "v")).get(5, TimeUnit.SECONDS);
            }
            // Ten commands plus the leader's no-op were appended and applied. A proposal's future completes
            // while its batch is being applied, before the observer hears of the batch: wait for it.
            assertThat(appendedEntries.get()).isGreaterThanOrEqualTo(11);
            assertThat(writes.get()).isPositive();
            LocalCluster.await(() -> applied.get() >= 11);
            assertThat(applied.get()).isEqualTo(11);
        }
    }
}
