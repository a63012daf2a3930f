package io.boxoffice.raft.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxoffice.raft.core.Configuration;
import io.boxoffice.raft.core.Member;
import io.boxoffice.raft.core.Role;
import io.boxoffice.raft.storage.InMemoryLogStore;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * One driver loop applies committed entries only until its time budget is spent; the rest wait for the next
 * loop, which ticks and sends first. A slow state machine then delays a leader's heartbeats by about the budget,
 * not by the whole backlog.
 */
class ApplyBudgetTest {

    private static final long APPLY_MILLIS = 20;

    @Test
    void a_backlog_of_slow_applies_is_spread_over_loops_of_at_most_the_budget_each() throws Exception {
        AtomicLong clock = new AtomicLong(TimeUnit.SECONDS.toNanos(1));
        List<Integer> appliedPerLoop = new CopyOnWriteArrayList<>();
        List<Long> loopNanos = new CopyOnWriteArrayList<>();
        RaftObserver observer = new RaftObserver() {
            @Override
            public void entriesApplied(int entryCount) {
                appliedPerLoop.add(entryCount);
            }

            @Override
            public void loopIteration(long durationNanos) {
                loopNanos.add(durationNanos);
            }
        };
        Configuration solo = new Configuration(List.of(new Member("solo", "addr-solo", true)));
        RaftServerConfig config = RaftServerConfig.defaults("solo", solo);
        int commands = 10;
        try (LocalCluster files = new LocalCluster();
             RaftServer<byte[]> server = new RaftServer<>(config, new InMemoryLogStore(), files.snapshotStore("solo"),
                     new LocalNetwork().transportFor("solo"), new SlowStateMachine(clock), observer,
                     FatalErrorHandler.LOG_ONLY)) {
            SteppedRaftServer.Stepper driver = SteppedRaftServer.start(server, clock::get, Runnable::run);
            // Elected, and its first entry (the no-op) applied: only the commands below are applied afterwards.
            for (int i = 0; i < 1_000 && (server.status().role() != Role.LEADER
                    || server.status().appliedIndex() < server.status().lastIndex()); i++) {
                clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(10));
                driver.runOnce(clock.get());
            }
            assertThat(server.status().role()).isEqualTo(Role.LEADER);
            appliedPerLoop.clear();
            loopNanos.clear();

            List<CompletableFuture<byte[]>> proposals = new ArrayList<>();
            for (int i = 0; i < commands; i++) {
                proposals.add(server.propose(KvStateMachine.put("key-" + i, "value")));
            }
            for (int i = 0; i < 100 && !proposals.stream().allMatch(CompletableFuture::isDone); i++) {
                driver.runOnce(clock.get());
            }

            assertThat(proposals).allMatch(CompletableFuture::isDone);
            assertThat(appliedPerLoop.stream().mapToInt(Integer::intValue).sum()).isEqualTo(commands);
            // 20 ms per apply, 50 ms per loop: the third apply crosses the budget, so three at most per loop.
            assertThat(appliedPerLoop).allSatisfy(count -> assertThat(count).isBetween(1, 3));
            assertThat(appliedPerLoop).hasSizeGreaterThanOrEqualTo(4);
            assertThat(loopNanos).allSatisfy(nanos -> assertThat(nanos)
                    .isLessThan(RaftDriver.APPLY_BUDGET_NANOS + TimeUnit.MILLISECONDS.toNanos(APPLY_MILLIS)));
        }
    }

    /** {@link KvStateMachine} whose every apply takes {@value #APPLY_MILLIS} ms of the driver's clock. */
    private static final class SlowStateMachine implements StateMachine<byte[]> {
        private final KvStateMachine values = new KvStateMachine();
        private final AtomicLong clock;

        SlowStateMachine(AtomicLong clock) {
            this.clock = clock;
        }

        @Override
        public long open() {
            return values.open();
        }

        @Override
        public byte[] apply(long index, byte[] command) {
            clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(APPLY_MILLIS));
            return values.apply(index, command);
        }

        @Override
        public void endBatch(long appliedIndex) {
            values.endBatch(appliedIndex);
        }

        @Override
        public StateCapture capture() {
            return values.capture();
        }

        @Override
        public void restore(long index, InputStream payload) throws IOException {
            values.restore(index, payload);
        }
    }
}
