package io.boxoffice.verifier.chaos;

import io.boxoffice.verifier.check.ClientOperation;
import io.boxoffice.verifier.check.HistoryJson;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;

/**
 * Collects completed operations from every chaos client and appends each to {@code history.jsonl} at once,
 * so even a run that dies half way leaves every operation that completed. Thread-safe.
 */
final class HistoryRecorder implements AutoCloseable {

    private final long startNanos = System.nanoTime();
    private final BufferedWriter writer;
    private final List<ClientOperation> operations = new ArrayList<>();

    HistoryRecorder(Path file) {
        try {
            Files.createDirectories(file.getParent());
            writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create history " + file, e);
        }
    }

    /** Nanoseconds since the recorder started: the history's monotonic clock. */
    long nowNanos() {
        return System.nanoTime() - startNanos;
    }

    /** Records an operation; {@code build} receives the index assigned to it. */
    synchronized ClientOperation record(LongFunction<ClientOperation> build) {
        ClientOperation operation = build.apply(operations.size());
        operations.add(operation);
        try {
            writer.write(HistoryJson.toLine(operation));
            writer.write('\n');
            writer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to the history", e);
        }
        return operation;
    }

    synchronized List<ClientOperation> operations() {
        return List.copyOf(operations);
    }

    @Override
    public synchronized void close() {
        try {
            writer.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close the history", e);
        }
    }
}
