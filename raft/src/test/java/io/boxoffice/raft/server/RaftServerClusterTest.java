package io.boxoffice.raft.server;

import static io.boxoffice.raft.server.LocalCluster.WAIT_MILLIS;
import static io.boxoffice.raft.server.LocalCluster.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.boxoffice.raft.core.Configuration;
import io.boxoffice.raft.core.RaftConfig;
import io.boxoffice.raft.core.Role;
import io.boxoffice.raft.errors.NotLeaderException;
import io.boxoffice.raft.errors.ProposalRejectedException;
import io.boxoffice.raft.storage.InMemoryLogStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Three {@link RaftServer}s in one JVM over {@link LocalNetwork}, with in-memory stores. */
class RaftServerClusterTest {

    private LocalCluster cluster;

    @AfterEach
    void closeAll() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void a_leader_is_elected_and_every_member_agrees_on_it() throws Exception {
        cluster = LocalCluster.start(1_000);

        RaftServer<byte[]> leader = cluster.awaitLeader();

        for (RaftServer<byte[]> server : cluster.servers()) {
            await(() -> server.leaderId().equals(Optional.of(leader.status().id())));
            assertThat(server.status().role() == Role.LEADER).isEqualTo(server == leader);
        }
    }

    @Test
    void proposals_commit_and_apply_on_every_member_with_the_state_machine_result() throws Exception {
        cluster = LocalCluster.start(1_000);
        RaftServer<byte[]> leader = cluster.awaitLeader();

        List<CompletableFuture<byte[]>> results = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            results.add(leader.propose(KvStateMachine.put("seat-" + (i % 50), "user-" + i)));
        }

        for (int i = 0; i < results.size(); i++) {
            String previous = new String(results.get(i).get(WAIT_MILLIS, TimeUnit.MILLISECONDS), StandardCharsets.UTF_8);
            assertThat(previous).isEqualTo(i < 50 ? "" : "user-" + (i - 50));
        }
        Map<String, String> expected = leader.read(() -> cluster.machine(leader).copy(), ReadConsistency.LINEARIZABLE)
                .get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
        assertThat(expected).hasSize(50).containsEntry("seat-49", "user-199");
        for (String id : LocalCluster.IDS) {
            await(() -> cluster.state(id).equals(expected));
        }
    }

    @Test
    void a_linearizable_read_on_the_leader_sees_the_latest_acknowledged_write() throws Exception {
        cluster = LocalCluster.start(1_000);
        RaftServer<byte[]> leader = cluster.awaitLeader();

        for (int i = 0; i < 20; i++) {
            leader.propose(KvStateMachine.put("show-1", "v" + i)).get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
            String seen = leader.read(() -> cluster.machine(leader).get("show-1"), ReadConsistency.LINEARIZABLE)
                    .get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
            assertThat(seen).isEqualTo("v" + i);
        }
    }

    @Test
    void a_follower_refuses_proposals_and_linearizable_reads_with_the_leader_hint() throws Exception {
        cluster = LocalCluster.start(1_000);
        RaftServer<byte[]> leader = cluster.awaitLeader();
        RaftServer<byte[]> follower = cluster.aFollower(leader);
        await(() -> follower.leaderId().isPresent());

        CompletableFuture<byte[]> proposal = follower.propose(KvStateMachine.put("a", "b"));
        CompletableFuture<String> read = follower.read(() -> "x", ReadConsistency.LINEARIZABLE);

        for (CompletableFuture<?> future : List.of(proposal, read)) {
            assertThatThrownBy(() -> future.get(WAIT_MILLIS, TimeUnit.MILLISECONDS))
                    .hasCauseInstanceOf(NotLeaderException.class)
                    .satisfies(e -> assertThat(((NotLeaderException) e.getCause()).leaderId())
                            .contains(leader.status().id()));
        }
        assertThat(follower.read(() -> "stale ok", ReadConsistency.STALE).get(WAIT_MILLIS, TimeUnit.MILLISECONDS))
                .isEqualTo("stale ok");
        assertThat(follower.leaderAddress()).contains("addr-" + leader.status().id());
    }

    @Test
    void a_stale_read_runs_at_once_on_the_callers_thread_and_never_sees_the_state_while_it_changes()
            throws Exception {
        cluster = LocalCluster.start(1_000_000);
        RaftServer<byte[]> leader = cluster.awaitLeader();
        KvStateMachine machine = cluster.machine(leader);
        java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
        List<Throwable> readFailures = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Thread> readers = new ArrayList<>();
        for (int r = 0; r < 3; r++) {
            readers.add(Thread.ofPlatform().start(() -> {
                int lastSeen = 0;
                while (writing.get()) {
                    String caller = Thread.currentThread().getName();
                    CompletableFuture<Map<String, String>> read = leader.read(() -> {
                        assertThat(Thread.currentThread().getName()).isEqualTo(caller);
                        return machine.copy(); // walks the map: fails or tears if the driver applies meanwhile
                    }, ReadConsistency.STALE);
                    try {
                        assertThat(read).as("served before read() returned").isDone();
                        Map<String, String> seen = read.get();
                        assertThat(seen.size()).as("a later read never sees less").isGreaterThanOrEqualTo(lastSeen);
                        lastSeen = seen.size();
                    } catch (Throwable e) {
                        readFailures.add(e);
                        return;
                    }
                }
            }));
        }
        List<CompletableFuture<byte[]>> writes = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            writes.add(leader.propose(KvStateMachine.put("key" + i, "v")));
        }
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(WAIT_MILLIS * 4, TimeUnit.MILLISECONDS);
        writing.set(false);
        for (Thread reader : readers) {
            reader.join(WAIT_MILLIS);
        }

        assertThat(readFailures).isEmpty();
        assertThat(leader.read(machine::copy, ReadConsistency.STALE).get()).hasSize(2_000);
    }

    @Test
    void leadership_transfers_to_the_named_member_and_to_the_most_caught_up_one() throws Exception {
        cluster = LocalCluster.start(1_000);
        RaftServer<byte[]> leader = cluster.awaitLeader();
        leader.propose(KvStateMachine.put("k", "v")).get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
        String target = cluster.aFollower(leader).status().id();

        leader.transferLeadership(target).get(WAIT_MILLIS, TimeUnit.MILLISECONDS);

        assertThat(leader.status().role()).isNotEqualTo(Role.LEADER);
        // The target publishes its own status a moment after its first append reached the old leader.
        await(() -> cluster.server(target).status().role() == Role.LEADER);

        RaftServer<byte[]> second = cluster.server(target);
        second.transferLeadership(null).get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
        RaftServer<byte[]> third = cluster.awaitLeaderOtherThan(second);
        third.propose(KvStateMachine.put("after", "transfer")).get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Test
    void a_member_cut_off_during_compaction_catches_up_from_a_snapshot() throws Exception {
        cluster = LocalCluster.start(50);
        RaftServer<byte[]> leader = cluster.awaitLeader();
        String laggingId = cluster.aFollower(leader).status().id();
        cluster.network.isolate(laggingId);

        for (int i = 0; i < 300; i++) {
            leader.propose(KvStateMachine.put("k" + i, "v" + i)).get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
        }
        await(() -> leader.status().snapshotIndex() > 200);
        cluster.network.heal(laggingId);

        Map<String, String> expected = cluster.state(leader.status().id());
        await(() -> cluster.state(laggingId).equals(expected));
        assertThat(expected).hasSize(300);
        assertThat(cluster.server(laggingId).status().snapshotIndex()).isPositive();
        assertThat(cluster.machine(cluster.server(laggingId)).restores()).as("installed a copied snapshot").isOne();
    }

    @Test
    void a_restarted_member_restores_its_snapshot_and_replays_only_the_entries_after_it() throws Exception {
        cluster = LocalCluster.start(50);
        RaftServer<byte[]> leader = cluster.awaitLeader();
        for (int i = 0; i < 120; i++) {
            leader.propose(KvStateMachine.put("k" + i, "v" + i)).get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
        }
        RaftServer<byte[]> follower = cluster.aFollower(leader);
        String id = follower.status().id();
        // Every put applied (the log also holds the configuration and the leader's no-op), a snapshot taken.
        await(() -> follower.status().snapshotIndex() >= 100 && cluster.state(id).size() == 120);
        Map<String, String> before = cluster.state(id);

        RaftServer<byte[]> restarted = cluster.restartServer(id);

        await(() -> cluster.state(id).equals(before));
        assertThat(before).hasSize(120);
        assertThat(cluster.machine(restarted).restores()).as("started from its snapshot file").isOne();
        assertThat(restarted.status().logStartIndex()).isPositive();
    }

    @Test
    void a_learner_joins_catches_up_and_is_promoted_to_voter_then_removed() throws Exception {
        cluster = LocalCluster.start(1_000);
        RaftServer<byte[]> leader = cluster.awaitLeader();
        leader.propose(KvStateMachine.put("before", "join")).get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
        cluster.startServer("n4", Configuration.EMPTY, 1_000, new InMemoryLogStore());

        leader.addLearner("n4", "addr-n4").get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
        await(() -> "join".equals(cluster.state("n4").get("before")));
        leader.promote("n4").get(WAIT_MILLIS, TimeUnit.MILLISECONDS);

        assertThat(leader.status().configuration().voterIds()).containsExactly("n1", "n2", "n3", "n4");
        leader.removeMember("n4").get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
        assertThat(leader.status().configuration().allIds()).containsExactly("n1", "n2", "n3");
    }

    @Test
    void when_the_request_queue_is_full_then_requests_are_rejected_at_once() {
        RaftServerConfig config = LocalCluster.config("n1", LocalCluster.bootstrap(), 1_000).withMaxPendingRequests(2);
        try (LocalCluster empty = new LocalCluster();
             RaftServer<byte[]> notStarted = new RaftServer<>(config, new InMemoryLogStore(), empty.snapshotStore("n1"),
                     new LocalNetwork().transportFor("n1"), new KvStateMachine(), RaftObserver.NONE,
                     FatalErrorHandler.LOG_ONLY)) {
            notStarted.propose(KvStateMachine.put("a", "1"));
            notStarted.propose(KvStateMachine.put("a", "2"));

            CompletableFuture<byte[]> third = notStarted.propose(KvStateMachine.put("a", "3"));

            assertThat(third).isCompletedExceptionally();
            assertThatThrownBy(third::join).hasCauseInstanceOf(ProposalRejectedException.class)
                    .hasMessageContaining("too many pending requests");
        }
    }

    @Test
    void an_invalid_configuration_is_refused_with_every_problem() {
        RaftServerConfig bad = new RaftServerConfig(RaftConfig.defaults("n1"), LocalCluster.bootstrap(),
                2_000, 1, 0, 0, 0, -1, 0, 1, -1, 0);

        assertThat(bad.problems()).hasSize(9);
        assertThatThrownBy(bad::validated).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tickMillis").hasMessageContaining("snapshotEveryEntries");
    }
}
