package io.boxoffice.raft.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxoffice.raft.core.Configuration;
import io.boxoffice.raft.core.Member;
import io.boxoffice.raft.core.Role;
import io.boxoffice.raft.storage.InMemoryLogStore;
import io.boxoffice.raft.storage.LogStore;
import io.boxoffice.raft.storage.SnapshotStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

/**
 * {@link RaftServer}s in one JVM over a {@link LocalNetwork}, each with a {@link KvStateMachine}, an
 * in-memory log store (unless given one) and snapshot files in a temporary directory.
 */
final class LocalCluster implements AutoCloseable {

    static final long WAIT_MILLIS = 5_000;
    static final List<String> IDS = List.of("n1", "n2", "n3");

    final LocalNetwork network = new LocalNetwork();
    /** Entries kept below each snapshot: few, so that a member cut off for a while needs a snapshot. */
    static final long CATCH_UP_ENTRIES = 10;

    private final Map<String, RaftServer<byte[]>> servers = new LinkedHashMap<>();
    private final Map<String, KvStateMachine> machines = new LinkedHashMap<>();
    private final Map<String, LogStore> stores = new LinkedHashMap<>();
    private final Map<String, RaftServerConfig> configs = new LinkedHashMap<>();
    private final Path directory;
    final List<Throwable> fatalErrors = new java.util.concurrent.CopyOnWriteArrayList<>();

    LocalCluster() {
        try {
            directory = Files.createTempDirectory("raft-local-cluster");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

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

    RaftServer<byte[]> startServer(String id, Configuration bootstrap, long snapshotEveryEntries, LogStore store) {
        KvStateMachine machine = new KvStateMachine();
        RaftServerConfig config = config(id, bootstrap, snapshotEveryEntries);
        stores.put(id, store);
        configs.put(id, config);
        RaftServer<byte[]> server = new RaftServer<>(config, kept(store), snapshotStore(id), network.transportFor(id),
                machine, RaftObserver.NONE, fatalErrors::add);
        servers.put(id, server);
        machines.put(id, machine);
        server.start();
        return server;
    }

    /**
     * Stops {@code id} and starts it again on the same log store and snapshot files with a fresh (empty)
     * state machine, like a process restart.
     */
    RaftServer<byte[]> restartServer(String id) {
        servers.get(id).close();
        KvStateMachine machine = new KvStateMachine();
        RaftServer<byte[]> server = new RaftServer<>(configs.get(id), kept(stores.get(id)), snapshotStore(id),
                network.transportFor(id), machine, RaftObserver.NONE, fatalErrors::add);
        servers.put(id, server);
        machines.put(id, machine);
        server.start();
        return server;
    }

    static RaftServerConfig config(String id, Configuration bootstrap, long snapshotEveryEntries) {
        return RaftServerConfig.defaults(id, bootstrap).withSnapshotEveryEntries(snapshotEveryEntries)
                .withSnapshotCatchUpEntries(CATCH_UP_ENTRIES).withRandomSeed(id.hashCode());
    }

    /** The store as a server sees it: closing the server leaves it open, so a restart finds its contents. */
    private static LogStore kept(LogStore store) {
        return new LogStore() {
            @Override
            public io.boxoffice.raft.storage.PersistentState load() {
                return store.load();
            }

            @Override
            public void write(io.boxoffice.raft.storage.PersistBatch batch) {
                store.write(batch);
            }

            @Override
            public void compact(io.boxoffice.raft.core.SnapshotMeta snapshot, io.boxoffice.raft.core.LogStart start) {
                store.compact(snapshot, start);
            }

            @Override
            public java.util.Optional<String> memberId() {
                return store.memberId();
            }

            @Override
            public void saveMemberId(String memberId) {
                store.saveMemberId(memberId);
            }

            @Override
            public void close() {
                // The cluster closes the real store when it closes.
            }
        };
    }

    SnapshotStore snapshotStore(String id) {
        return new SnapshotStore(directory.resolve(id).resolve("snapshots"));
    }

    static Configuration bootstrap() {
        List<Member> members = new ArrayList<>();
        for (String id : IDS) {
            members.add(new Member(id, "addr-" + id, true));
        }
        return Configuration.ofVoters(members);
    }

    RaftServer<byte[]> server(String id) {
        return servers.get(id);
    }

    Iterable<RaftServer<byte[]>> servers() {
        return servers.values();
    }

    KvStateMachine machine(RaftServer<byte[]> server) {
        return machines.get(server.status().id());
    }

    RaftServer<byte[]> awaitLeader() throws InterruptedException {
        @SuppressWarnings("unchecked")
        RaftServer<byte[]>[] found = new RaftServer[1];
        await(() -> {
            for (RaftServer<byte[]> server : servers.values()) {
                if (server.failure().isEmpty() && server.status().role() == Role.LEADER) {
                    found[0] = server;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    RaftServer<byte[]> awaitLeaderOtherThan(RaftServer<byte[]> old) throws InterruptedException {
        @SuppressWarnings("unchecked")
        RaftServer<byte[]>[] found = new RaftServer[1];
        await(() -> {
            for (RaftServer<byte[]> server : servers.values()) {
                if (server != old && server.failure().isEmpty() && server.status().role() == Role.LEADER) {
                    found[0] = server;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    RaftServer<byte[]> aFollower(RaftServer<byte[]> leader) {
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
        stores.values().forEach(LogStore::close);
        try (var paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
