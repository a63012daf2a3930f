package io.boxoffice.raft.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxoffice.raft.core.Configuration;
import io.boxoffice.raft.core.Member;
import io.boxoffice.raft.core.Role;
import io.boxoffice.raft.storage.InMemoryLogStore;
import io.boxoffice.raft.storage.LogStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

/** {@link RaftServer}s in one JVM over a {@link LocalNetwork}, each with a {@link KvStateMachine}. */
final class LocalCluster implements AutoCloseable {

    static final long WAIT_MILLIS = 5_000;
    static final List<String> IDS = List.of("n1", "n2", "n3");

    final LocalNetwork network = new LocalNetwork();
    private final Map<String, RaftServer> servers = new LinkedHashMap<>();
    private final Map<String, KvStateMachine> machines = new LinkedHashMap<>();

    /** Starts n1..n3, wrapping each store with {@code storeWrapper} (for fault injection). */
    static LocalCluster start(long snapshotEveryEntries, UnaryOperator<LogStore> storeWrapper) {
        LocalCluster cluster = new LocalCluster();
        for (String id : IDS) {
            cluster.startServer(id, bootstrap(), snapshotEveryEntries, storeWrapper.apply(new InMemoryLogStore()));
        }
        return cluster;
    }

    static LocalCluster start(long snapshotEveryEntries) {
        return start(snapshotEveryEntries, UnaryOperator.identity());
    }

    RaftServer startServer(String id, Configuration bootstrap, long snapshotEveryEntries, LogStore store) {
        KvStateMachine machine = new KvStateMachine();
        RaftServer server = new RaftServer(config(id, bootstrap, snapshotEveryEntries), store,
                network.transportFor(id), machine);
        servers.put(id, server);
        machines.put(id, machine);
        server.start();
        return server;
    }

    static RaftServerConfig config(String id, Configuration bootstrap, long snapshotEveryEntries) {
        return RaftServerConfig.defaults(id, bootstrap).withSnapshotEveryEntries(snapshotEveryEntries)
                .withRandomSeed(id.hashCode());
    }

    static Configuration bootstrap() {
        List<Member> members = new ArrayList<>();
        for (String id : IDS) {
            members.add(new Member(id, "addr-" + id, true));
        }
        return Configuration.ofVoters(members);
    }

    RaftServer server(String id) {
        return servers.get(id);
    }

    Iterable<RaftServer> servers() {
        return servers.values();
    }

    KvStateMachine machine(RaftServer server) {
        return machines.get(server.status().id());
    }

    RaftServer awaitLeader() throws InterruptedException {
        RaftServer[] found = new RaftServer[1];
        await(() -> {
            for (RaftServer server : servers.values()) {
                if (server.failure().isEmpty() && server.status().role() == Role.LEADER) {
                    found[0] = server;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    RaftServer awaitLeaderOtherThan(RaftServer old) throws InterruptedException {
        RaftServer[] found = new RaftServer[1];
        await(() -> {
            for (RaftServer server : servers.values()) {
                if (server != old && server.failure().isEmpty() && server.status().role() == Role.LEADER) {
                    found[0] = server;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    RaftServer aFollower(RaftServer leader) {
        return servers.values().stream()
                .filter(s -> s != leader && s.status().configuration().isVoter(s.status().id()))
                .findFirst().orElseThrow();
    }

    /** A copy of the member's key-value state, read on its driver thread. */
    Map<String, String> state(String id) {
        try {
            return servers.get(id).read(() -> machines.get(id).copy(), ReadConsistency.STALE)
                    .get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("stale read on " + id + " failed", e);
        }
    }

    static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition reached within %d ms", WAIT_MILLIS).isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    @Override
    public void close() {
        servers.values().forEach(RaftServer::close);
    }
}
