package io.boxoffice.raft.server;

import io.boxoffice.testkit.process.NodeProcess;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link DemoNodeMain} child process, started by the test kit's launcher, and a client for its line
 * protocol: requests on stdin, answers on stdout, the log (stderr) beside the data directory.
 */
final class DemoNode implements AutoCloseable {

    private final String id;
    private final NodeProcess process;
    private final Map<String, CompletableFuture<String>> answers = new ConcurrentHashMap<>();
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final AtomicLong nextRequestId = new AtomicLong();

    DemoNode(String id, Path dataDir, int port, String peers, long snapshotEveryEntries) {
        this.id = id;
        this.process = NodeProcess.builder(id).mainClass(DemoNodeMain.class.getName(),
                        System.getProperty("java.class.path"))
                .arguments(id, dataDir.toString(), Integer.toString(port), peers, "demo-cluster",
                        "demo-peer-token-0123456789", Long.toString(snapshotEveryEntries))
                .logFile(dataDir.resolveSibling(id + "-" + System.nanoTime() + ".log"))
                .stdoutLines(this::onLine).start();
    }

    String id() {
        return id;
    }

    void awaitReady(long timeoutMillis) throws Exception {
        try {
            ready.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("node " + id + " did not start; log:\n" + log(), e);
        }
    }

    /** Sends one request and waits for its answer line (without the request id). */
    String request(String request, long timeoutMillis) throws Exception {
        String requestId = Long.toString(nextRequestId.incrementAndGet());
        CompletableFuture<String> answer = new CompletableFuture<>();
        answers.put(requestId, answer);
        try {
            OutputStream stdin = process.stdin();
            synchronized (stdin) {
                stdin.write((requestId + " " + request + "\n").getBytes(StandardCharsets.UTF_8));
                stdin.flush();
            }
            return answer.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (IOException e) {
            throw new IOException("node " + id + " exited", e);
        } finally {
            answers.remove(requestId);
        }
    }

    /** SIGKILL: no shutdown hooks, no RocksDB close, no goodbye to peers. */
    void kill() {
        process.kill();
        answers.values().forEach(answer -> answer.completeExceptionally(new IOException("node " + id + " killed")));
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String log() {
        return process.logTail(Integer.MAX_VALUE);
    }

    @Override
    public void close() {
        kill();
    }

    private void onLine(String line) {
        if (line.startsWith("ready ")) {
            ready.complete(null);
            return;
        }
        int space = line.indexOf(' ');
        CompletableFuture<String> answer = space < 0 ? null : answers.get(line.substring(0, space));
        if (answer != null) {
            answer.complete(line.substring(space + 1));
        }
    }
}
