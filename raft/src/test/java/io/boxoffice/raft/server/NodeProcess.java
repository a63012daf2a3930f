package io.boxoffice.raft.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** A {@link DemoNodeMain} child process and a client for its line protocol. */
final class NodeProcess implements AutoCloseable {

    private final String id;
    private final Process process;
    private final Writer stdin;
    private final Map<String, CompletableFuture<String>> answers = new ConcurrentHashMap<>();
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final AtomicLong nextRequestId = new AtomicLong();
    private final Path logFile;

    NodeProcess(String id, Path dataDir, int port, String peers, long snapshotEveryEntries) throws IOException {
        this.id = id;
        this.logFile = dataDir.resolveSibling(id + "-" + System.nanoTime() + ".log");
        String java = ProcessHandle.current().info().command().orElseThrow();
        process = new ProcessBuilder(List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), DemoNodeMain.class.getName(),
                id, dataDir.toString(), Integer.toString(port), peers, "demo-cluster", "demo-peer-token-0123456789",
                Long.toString(snapshotEveryEntries)))
                .redirectError(logFile.toFile()).start();
        stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread.ofPlatform().daemon().name("node-stdout-" + id).start(this::readAnswers);
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
        synchronized (stdin) {
            stdin.write(requestId + " " + request + "\n");
            stdin.flush();
        }
        try {
            return answer.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } finally {
            answers.remove(requestId);
        }
    }

    /** SIGKILL: no shutdown hooks, no RocksDB close, no goodbye to peers. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String log() {
        try {
            return Files.readString(logFile);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }

    private void readAnswers() {
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.startsWith("ready ")) {
                    ready.complete(null);
                    continue;
                }
                int space = line.indexOf(' ');
                CompletableFuture<String> answer = space < 0 ? null : answers.get(line.substring(0, space));
                if (answer != null) {
                    answer.complete(line.substring(space + 1));
                }
            }
        } catch (IOException e) {
            // The process died; pending requests time out.
        }
        answers.values().forEach(answer -> answer.completeExceptionally(new IOException("node " + id + " exited")));
    }
}
