// The etcd yardstick of scripts/benchmark.sh: N concurrent clients, each a blocking loop of 200-byte
// KV/Put calls to one etcd endpoint, over plain grpc-java with the minimal wire-compatible proto
// (proto/src/main/proto/etcd/etcd_kv_min.proto). Runs as a single-file program on the verifier jar's
// classpath (grpc, protobuf, HdrHistogram and the generated stubs are in it):
//
//   java -cp verifier/target/boxoffice-verifier-0.1.0-SNAPSHOT.jar scripts/etcd-bench/EtcdPutBench.java \
//        --endpoint 127.0.0.1:19379 --clients 1,16,64 --start-warmup 30 --warmup 5 --seconds 20 --value-bytes 200
//
// --start-warmup runs the largest client count that long before the first level (not measured), as the booking
// side does: this client is a JVM too, and its first seconds run interpreted code.
//
// Prints one line per concurrency: "etcd clients=N puts=... per_second=... p50_ms=... p99_ms=... errors=..."

import com.google.protobuf.ByteString;
import io.boxoffice.proto.etcd.KVGrpc;
import io.boxoffice.proto.etcd.PutRequest;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;

public class EtcdPutBench {

    public static void main(String[] args) throws Exception {
        String endpoint = option(args, "--endpoint", "127.0.0.1:2379");
        int[] levels = Arrays.stream(option(args, "--clients", "1,16,64").split(",")).mapToInt(Integer::parseInt).toArray();
        int warmupSeconds = Integer.parseInt(option(args, "--warmup", "5"));
        int startWarmupSeconds = Integer.parseInt(option(args, "--start-warmup", "0"));
        int seconds = Integer.parseInt(option(args, "--seconds", "20"));
        int valueBytes = Integer.parseInt(option(args, "--value-bytes", "200"));
        String[] hostPort = endpoint.split(":");
        // One channel per 16 clients, like several client processes: one HTTP/2 connection does not limit us.
        List<ManagedChannel> channels = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            channels.add(NettyChannelBuilder.forAddress(hostPort[0], Integer.parseInt(hostPort[1])).usePlaintext().build());
        }
        byte[] value = new byte[valueBytes];
        Arrays.fill(value, (byte) 'v');
        ByteString payload = ByteString.copyFrom(value);
        if (startWarmupSeconds > 0) {
            int most = Arrays.stream(levels).max().orElse(1);
            long puts = run(channels, most, startWarmupSeconds, payload, null);
            System.out.printf("etcd warm-up clients=%d seconds=%d puts=%d%n", most, startWarmupSeconds, puts);
        }
        for (int clients : levels) {
            run(channels, clients, warmupSeconds, payload, null);
            Recorder recorder = new Recorder(3);
            AtomicLong errors = new AtomicLong();
            long puts = run(channels, clients, seconds, payload, new Object[] {recorder, errors});
            var histogram = recorder.getIntervalHistogram();
            System.out.printf("etcd clients=%d puts=%d per_second=%.0f p50_ms=%.2f p99_ms=%.2f errors=%d%n", clients,
                    puts, puts / (double) seconds, histogram.getValueAtPercentile(50) / 1e6,
                    histogram.getValueAtPercentile(99) / 1e6, errors.get());
        }
        for (ManagedChannel channel : channels) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** Runs {@code clients} put loops for {@code seconds}; returns the puts acknowledged. */
    private static long run(List<ManagedChannel> channels, int clients, int seconds, ByteString payload,
                            Object[] measure) throws InterruptedException {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong done = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int client = 0; client < clients; client++) {
            int id = client;
            KVGrpc.KVBlockingStub stub = KVGrpc.newBlockingStub(channels.get(client % channels.size()));
            threads.add(Thread.ofPlatform().start(() -> {
                long sequence = 0;
                while (!stop.get()) {
                    PutRequest request = PutRequest.newBuilder()
                            .setKey(ByteString.copyFrom("bench/" + id + "/" + (sequence++ % 1000), StandardCharsets.UTF_8))
                            .setValue(payload).build();
                    long start = System.nanoTime();
                    try {
                        stub.withDeadlineAfter(5, TimeUnit.SECONDS).put(request);
                        if (!stop.get()) {
                            done.incrementAndGet();
                            if (measure != null) {
                                ((Recorder) measure[0]).recordValue(System.nanoTime() - start);
                            }
                        }
                    } catch (StatusRuntimeException e) {
                        if (measure != null) {
                            ((AtomicLong) measure[1]).incrementAndGet();
                        }
                    }
                }
            }));
        }
        Thread.sleep(seconds * 1000L);
        stop.set(true);
        for (Thread thread : threads) {
            thread.join();
        }
        return done.get();
    }

    private static String option(String[] args, String name, String fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }
}
