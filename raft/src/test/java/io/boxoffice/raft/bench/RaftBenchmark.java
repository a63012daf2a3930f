package io.boxoffice.raft.bench;

import io.boxoffice.raft.core.Configuration;
import io.boxoffice.raft.core.Member;
import io.boxoffice.raft.core.Role;
import io.boxoffice.raft.errors.RaftException;
import io.boxoffice.raft.server.RaftServer;
import io.boxoffice.raft.server.RaftServerConfig;
import io.boxoffice.raft.server.StateMachine;
import io.boxoffice.raft.server.RaftObserver;
import io.boxoffice.raft.server.FatalErrorHandler;
import io.boxoffice.raft.storage.SnapshotStore;
import io.boxoffice.raft.storage.RocksDbLogStore;
import io.boxoffice.raft.transport.GrpcTransport;
import io.boxoffice.raft.transport.GrpcTransportConfig;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Commit throughput and latency of a 3-member cluster in one JVM: gRPC on loopback, RocksDB logs
 * with fsync on every write, 200-byte commands, for several numbers of concurrent proposers. Each
 * proposer waits for its command to be applied on the leader before proposing the next one.
 *
 * <p>Arguments (all optional): {@code secondsPerRun} (5), {@code concurrencies} (1,16,64),
 * {@code dataDir} (a fresh temporary directory).
 */
public final class RaftBenchmark {

    private static final int COMMAND_BYTES = 200;
    private static final int WARMUP_SECONDS = 2;
    /** Latency samples kept per second of run, shared by all proposers; bounds memory. */
    private static final int MAX_SAMPLES_PER_SECOND = 200_000;

    private RaftBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int[] concurrencies = args.length > 1
                ? Arrays.stream(args[1].split(",")).mapToInt(Integer::parseInt).toArray() : new int[] {1, 16, 64};
        boolean temporary = args.length <= 2;
        Path dataDir = temporary ? Files.createTempDirectory("raft-bench") : Path.of(args[2]);
        try {
            benchmark(dataDir, seconds, concurrencies);
        } finally {
            if (temporary) {
                deleteRecursively(dataDir);
            }
        }
    }

    private static void benchmark(Path dataDir, int seconds, int[] concurrencies) throws Exception {
        List<RaftServer<byte[]>> servers = startCluster(dataDir);
        try {
            System.out.printf("3 members, gRPC loopback, RocksDB fsync on, %d-byte commands, data in %s%n",
                    COMMAND_BYTES, dataDir);
            run(servers, 16, WARMUP_SECONDS, false);
            for (int concurrency : concurrencies) {
                run(servers, concurrency, seconds, true);
            }
        } finally {
            servers.forEach(RaftServer::close);
        }
    }

    private static void deleteRecursively(Path root) throws java.io.IOException {
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    private static List<RaftServer<byte[]>> startCluster(Path dataDir) throws Exception {
        List<String> ids = List.of("b1", "b2", "b3");
        List<Member> members = new ArrayList<>();
        List<Integer> ports = new ArrayList<>();
        for (String id : ids) {
            try (ServerSocket probe = new ServerSocket(0)) {
                ports.add(probe.getLocalPort());
            }
            members.add(new Member(id, "127.0.0.1:" + ports.get(ports.size() - 1), true));
        }
        Configuration bootstrap = Configuration.ofVoters(members);
        List<RaftServer<byte[]>> servers = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            GrpcTransport transport = new GrpcTransport(GrpcTransportConfig.defaults(id, "bench", "127.0.0.1",
                    ports.get(i), "bench-peer-token-0123456789"));
            RaftServer<byte[]> server = new RaftServer<>(
                    RaftServerConfig.defaults(id, bootstrap).withSnapshotEveryEntries(50_000),
                    new RocksDbLogStore(dataDir.resolve(id).resolve("log")),
                    new SnapshotStore(dataDir.resolve(id).resolve("snapshots")), transport, new CountingStateMachine(),
                    RaftObserver.NONE, FatalErrorHandler.LOG_ONLY);
            server.start();
            servers.add(server);
        }
        return servers;
    }

    private static void run(List<RaftServer<byte[]>> servers, int concurrency, int seconds, boolean report) throws Exception {
        long endNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long[][] samples = new long[concurrency][];
        int[] counts = new int[concurrency];
        AtomicLong errors = new AtomicLong();
        List<Thread> proposers = new ArrayList<>();
        for (int p = 0; p < concurrency; p++) {
            int proposer = p;
            samples[p] = new long[Math.max(10_000, seconds * MAX_SAMPLES_PER_SECOND / concurrency)];
            proposers.add(Thread.ofPlatform().name("proposer-" + p).start(() ->
                    propose(servers, endNanos, samples[proposer], counts, proposer, errors)));
        }
        for (Thread proposer : proposers) {
            proposer.join();
        }
        if (!report) {
            return;
        }
        long total = Arrays.stream(counts).asLongStream().sum();
        long[] all = new long[(int) Math.min(Integer.MAX_VALUE, total)];
        int at = 0;
        for (int p = 0; p < concurrency; p++) {
            System.arraycopy(samples[p], 0, all, at, counts[p]);
            at += counts[p];
        }
        Arrays.sort(all);
        System.out.printf("concurrency %3d: %8.0f commits/s  p50 %6.2f ms  p99 %6.2f ms  max %7.2f ms  errors %d%n",
                concurrency, total / (double) seconds, percentileMillis(all, 0.50), percentileMillis(all, 0.99),
                all.length == 0 ? 0 : all[all.length - 1] / 1e6, errors.get());
    }

    private static void propose(List<RaftServer<byte[]>> servers, long endNanos, long[] samples, int[] counts, int proposer,
                                AtomicLong errors) {
        try {
            runProposer(servers, endNanos, samples, errors, new byte[COMMAND_BYTES], counts, proposer);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void runProposer(List<RaftServer<byte[]>> servers, long endNanos, long[] samples, AtomicLong errors,
                                    byte[] command, int[] counts, int proposer) throws InterruptedException {
        int count = 0;
        RaftServer<byte[]> leader = leader(servers);
        while (System.nanoTime() < endNanos && count < samples.length) {
            long start = System.nanoTime();
            try {
                leader.propose(command).get(5, TimeUnit.SECONDS);
                samples[count++] = System.nanoTime() - start;
            } catch (ExecutionException | TimeoutException e) {
                if (!(e.getCause() instanceof RaftException) && !(e instanceof TimeoutException)) {
                    throw new IllegalStateException("benchmark proposal failed", e);
                }
                if (errors.incrementAndGet() <= 3) {
                    System.out.println("  proposal failed: " + (e.getCause() == null ? e : e.getCause()));
                }
                leader = leader(servers);
            }
        }
        synchronized (counts) {
            counts[proposer] = count;
        }
    }

    private static RaftServer<byte[]> leader(List<RaftServer<byte[]>> servers) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            for (RaftServer<byte[]> server : servers) {
                if (server.status().role() == Role.LEADER) {
                    return server;
                }
            }
            Thread.sleep(1);
        }
        throw new IllegalStateException("no leader within 10 s");
    }

    private static double percentileMillis(long[] sorted, double quantile) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[(int) Math.min(sorted.length - 1, Math.floor(quantile * sorted.length))] / 1e6;
    }

    /** Counts applied commands; the result is the count, so every apply does a little real work. */
    private static final class CountingStateMachine implements StateMachine<byte[]> {
        private long applied;
        private long appliedIndex;

        @Override
        public long open() {
            return 0;
        }

        @Override
        public byte[] apply(long index, byte[] command) {
            applied++;
            return ByteBuffer.allocate(Long.BYTES).putLong(applied).array();
        }

        @Override
        public void endBatch(long index) {
            appliedIndex = index;
        }

        @Override
        public StateCapture capture() {
            long count = applied;
            long index = appliedIndex;
            return new StateCapture() {
                @Override
                public long index() {
                    return index;
                }

                @Override
                public void writeTo(java.io.OutputStream out) throws java.io.IOException {
                    out.write(ByteBuffer.allocate(Long.BYTES).putLong(count).array());
                }

                @Override
                public boolean makeDurable() {
                    return false; // Held in memory: every snapshot is a file.
                }

                @Override
                public void close() {
                }
            };
        }

        @Override
        public void restore(long index, java.io.InputStream payload) throws java.io.IOException {
            applied = ByteBuffer.wrap(payload.readAllBytes()).getLong();
            appliedIndex = index;
        }
    }
}
