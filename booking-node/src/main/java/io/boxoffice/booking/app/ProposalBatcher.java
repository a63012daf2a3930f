package io.boxoffice.booking.app;

import com.google.protobuf.CodedOutputStream;
import io.boxoffice.booking.domain.CommandOutcome;
import io.boxoffice.booking.errors.NodeNotReady;
import io.boxoffice.booking.errors.Overloaded;
import io.boxoffice.proto.replicated.v1.Command;
import io.boxoffice.proto.replicated.v1.CommandBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Packs the commands proposed at about the same time into one Raft entry (one {@link CommandBatch}): one log
 * entry, one replication and one apply for many bookings, instead of one each. Nobody waits for company: the
 * batcher's thread takes whatever is queued when it is free, so a lone request goes out alone at once, and
 * under load the batch grows by itself while the previous one is being proposed.
 *
 * <p>The commands of a batch are applied in queue order and decided one by one (a refused command does not
 * affect the others); a failure of the entry itself (leader lost, timeout) fails each of them.
 *
 * <p>Bounds: {@code queueCapacity} commands waiting (beyond: {@link Overloaded}), at most
 * {@code maxCommandsPerEntry} commands and {@code maxEntryBytes} encoded bytes per entry.
 */
final class ProposalBatcher implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ProposalBatcher.class);
    /** The state machine gives each command of an entry a distinct reference below 4096. */
    static final int MAX_COMMANDS_PER_ENTRY_LIMIT = 4096;

    private record Pending(Command command, int encodedBytes, CompletableFuture<CommandOutcome> outcome) {
    }

    private final ArrayBlockingQueue<Pending> queue;
    private final Function<byte[], CompletableFuture<List<CommandOutcome>>> propose;
    private final int maxCommandsPerEntry;
    private final int maxEntryBytes;
    private final Thread thread;
    private volatile boolean running = true;

    ProposalBatcher(String name, int queueCapacity, int maxCommandsPerEntry, int maxEntryBytes,
                    Function<byte[], CompletableFuture<List<CommandOutcome>>> propose) {
        if (maxCommandsPerEntry < 1 || maxCommandsPerEntry > MAX_COMMANDS_PER_ENTRY_LIMIT) {
            throw new IllegalArgumentException("maxCommandsPerEntry must be in 1.." + MAX_COMMANDS_PER_ENTRY_LIMIT);
        }
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.propose = propose;
        this.maxCommandsPerEntry = maxCommandsPerEntry;
        this.maxEntryBytes = maxEntryBytes;
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Queues {@code command} for the next entry; completes with its outcome or the entry's failure. */
    CompletableFuture<CommandOutcome> submit(Command command) {
        int bytes = CodedOutputStream.computeMessageSize(CommandBatch.COMMANDS_FIELD_NUMBER, command);
        if (bytes > maxEntryBytes) {
            return CompletableFuture.failedFuture(new Overloaded("request too large: " + bytes
                    + " bytes encoded, at most " + maxEntryBytes));
        }
        CompletableFuture<CommandOutcome> outcome = new CompletableFuture<>();
        if (!running || !queue.offer(new Pending(command, bytes, outcome))) {
            return CompletableFuture.failedFuture(new Overloaded(running
                    ? "too many proposals are waiting; retry shortly" : "the node is stopping"));
        }
        return outcome;
    }

    private void run() {
        List<Pending> batch = new ArrayList<>();
        while (running) {
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                int bytes = first.encodedBytes();
                for (Pending next = queue.peek(); next != null && batch.size() < maxCommandsPerEntry
                        && bytes + next.encodedBytes() <= maxEntryBytes; next = queue.peek()) {
                    batch.add(queue.poll());
                    bytes += next.encodedBytes();
                }
                proposeBatch(List.copyOf(batch));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // Encoding or the proposal call itself failed: these commands fail, the batcher goes on.
                LOG.errorf(e, "proposing a batch of %d commands failed", batch.size());
                batch.forEach(pending -> pending.outcome().completeExceptionally(e));
            } finally {
                batch.clear();
            }
        }
    }

    private void proposeBatch(List<Pending> batch) {
        CommandBatch.Builder entry = CommandBatch.newBuilder();
        batch.forEach(pending -> entry.addCommands(pending.command()));
        propose.apply(entry.build().toByteArray()).whenComplete((outcomes, failure) -> {
            if (failure == null && outcomes.size() != batch.size()) {
                failure = new IllegalStateException("a batch of " + batch.size() + " commands answered "
                        + outcomes.size() + " outcomes");
            }
            for (int i = 0; i < batch.size(); i++) {
                if (failure != null) {
                    batch.get(i).outcome().completeExceptionally(failure);
                } else {
                    batch.get(i).outcome().complete(outcomes.get(i));
                }
            }
        });
    }

    /** Stops taking commands and fails those still queued with {@code cause}. */
    @Override
    public void close() {
        running = false;
        thread.interrupt();
        for (Pending pending = queue.poll(); pending != null; pending = queue.poll()) {
            pending.outcome().completeExceptionally(new NodeNotReady("the node is stopping"));
        }
    }
}
