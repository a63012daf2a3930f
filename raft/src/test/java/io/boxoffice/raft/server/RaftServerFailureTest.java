package io.boxoffice.raft.server;

import static io.boxoffice.raft.server.LocalCluster.WAIT_MILLIS;
import static io.boxoffice.raft.server.LocalCluster.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.boxoffice.raft.core.LogStart;
import io.boxoffice.raft.core.SnapshotMeta;
import io.boxoffice.raft.errors.NotLeaderException;
import io.boxoffice.raft.errors.StorageException;
import io.boxoffice.raft.storage.InMemoryLogStore;
import io.boxoffice.raft.storage.LogStore;
import io.boxoffice.raft.storage.PersistBatch;
import io.boxoffice.raft.storage.PersistentState;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How a {@link RaftServer} reacts to failures: its own (storage, state machine) and losing leadership. */
class RaftServerFailureTest {

    private LocalCluster cluster;

    @AfterEach
    void closeAll() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void a_throwing_state_machine_stops_the_node_and_fails_its_waiting_requests() throws Exception {
        cluster = LocalCluster.start(1_000);
        RaftServer<byte[]> leader = cluster.awaitLeader();

        CompletableFuture<byte[]> fatal = leader.propose("explode".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> fatal.get(WAIT_MILLIS, TimeUnit.MILLISECONDS)).isInstanceOf(ExecutionException.class);
        await(() -> leader.failure().isPresent());
        assertThat(leader.failure().get()).hasMessageContaining("exploded");
        await(() -> !cluster.fatalErrors.isEmpty());
        assertThat(cluster.fatalErrors).as("the fatal-error handler ran once").hasSize(1);
        assertThatThrownBy(() -> leader.propose(KvStateMachine.put("a", "b")).get(WAIT_MILLIS, TimeUnit.MILLISECONDS))
                .hasCauseInstanceOf(IllegalStateException.class);
    }

    @Test
    void a_storage_failure_stops_the_node_and_fails_the_proposal_with_the_storage_error() throws Exception {
        AtomicBoolean diskBroken = new AtomicBoolean();
        cluster = LocalCluster.start(1_000, store -> new BreakableStore(store, diskBroken));
        RaftServer<byte[]> leader = cluster.awaitLeader();
        leader.propose(KvStateMachine.put("ok", "1")).get(WAIT_MILLIS, TimeUnit.MILLISECONDS);

        diskBroken.set(true);
        CompletableFuture<byte[]> proposal = leader.propose(KvStateMachine.put("lost", "2"));

        assertThatThrownBy(() -> proposal.get(WAIT_MILLIS, TimeUnit.MILLISECONDS))
                .hasCauseInstanceOf(StorageException.class);
        await(() -> leader.failure().isPresent());
        assertThat(leader.failure().get()).isInstanceOf(StorageException.class).hasMessageContaining("disk on fire");
        await(() -> !cluster.fatalErrors.isEmpty());
        // Every member's disk is the broken kind: followers that write after the flip fail the same way.
        assertThat(cluster.fatalErrors).isNotEmpty()
                .allSatisfy(error -> assertThat(error).isInstanceOf(StorageException.class));
    }

    @Test
    void when_a_deposed_leader_s_entry_is_overwritten_then_its_proposal_fails_with_the_new_leader_hint()
            throws Exception {
        cluster = LocalCluster.start(1_000);
        RaftServer<byte[]> oldLeader = cluster.awaitLeader();
        oldLeader.propose(KvStateMachine.put("committed", "yes")).get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
        cluster.network.isolate(oldLeader.status().id());

        CompletableFuture<byte[]> doomed = oldLeader.propose(KvStateMachine.put("doomed", "never"));
        RaftServer<byte[]> newLeader = cluster.awaitLeaderOtherThan(oldLeader);
        newLeader.propose(KvStateMachine.put("winner", "yes")).get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
        cluster.network.heal(oldLeader.status().id());

        assertThatThrownBy(() -> doomed.get(WAIT_MILLIS, TimeUnit.MILLISECONDS))
                .hasCauseInstanceOf(NotLeaderException.class)
                .satisfies(e -> assertThat(((NotLeaderException) e.getCause()).leaderId())
                        .contains(newLeader.status().id()));
        await(() -> "yes".equals(cluster.state(oldLeader.status().id()).get("winner")));
        assertThat(cluster.state(oldLeader.status().id())).doesNotContainKey("doomed");
    }

    /** Delegates to a store until told the disk broke, then fails every write as a real disk would. */
    private record BreakableStore(LogStore delegate, AtomicBoolean broken) implements LogStore {
        @Override
        public PersistentState load() {
            return delegate.load();
        }

        @Override
        public void write(PersistBatch batch) {
            if (broken.get()) {
                throw new StorageException("disk on fire", new java.io.IOException("EIO"));
            }
            delegate.write(batch);
        }

        @Override
        public void compact(SnapshotMeta snapshot, LogStart start) {
            delegate.compact(snapshot, start);
        }

        @Override
        public Optional<String> memberId() {
            return delegate.memberId();
        }

        @Override
        public void saveMemberId(String memberId) {
            delegate.saveMemberId(memberId);
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
