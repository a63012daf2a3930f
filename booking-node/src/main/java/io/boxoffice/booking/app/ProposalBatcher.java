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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Packs the commands proposed at about the same time into one Raft entry (one {@link CommandBatch}): one log
 * entry, one replication and one apply for many bookings, instead of one each. Nobody waits for company, and
 * no thread of its own stands between a request and the Raft driver: the caller that finds no other caller
 * proposing takes whatever is queued and proposes it (flat combining), so a lone request goes out alone at
 * once on its own thread, and under load the batch grows by itself while the previous one is being proposed.
 *
 * <p>The commands of a batch are applied in queue order and decided one by one (a refused command does not
 * affect the others); a failure of the entry itself (leader lost, timeout) fails each of them.
 *
 * <p>Bounds: {@code queueCapacity} commands waiting (beyond: {@link Overloaded}), at most
 * {@code maxCommandsPerEntry} commands and {@code maxEntryBytes} encoded bytes per entry; a caller proposes
 * at most {@link #MAX_BATCHES_PER_TURN} entries for others before it lets the next caller take over.
 */
final class ProposalBatcher implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ProposalBatcher.class);
    /** The state machine gives each command of an entry a distinct reference below 4096. */
    static final int MAX_COMMANDS_PER_ENTRY_LIMIT = 4096;
    /** Entries one caller proposes in a turn: bounds the work a request's thread does for others. */
    static final int MAX_BATCHES_PER_TURN = 4;

    private record Pending(Command command, int encodedBytes, CompletableFuture<CommandOutcome> outcome) {
    }

    private final ArrayBlockingQueue<Pending> queue;
    private final Function<byte[], CompletableFuture<List<CommandOutcome>>> propose;
    private final int maxCommandsPerEntry;
    private final int maxEntryBytes;
    /** Set while one caller proposes the queued commands; the others only queue theirs. */
    private final AtomicBoolean proposing = new AtomicBoolean();
    private volatile boolean running = true;

    ProposalBatcher(int queueCapacity, int maxCommandsPerEntry, int maxEntryBytes,
                    Function<byte[], CompletableFuture<List<CommandOutcome>>> propose) {
        if (maxCommandsPerEntry < 1 || maxCommandsPerEntry > MAX_COMMANDS_PER_ENTRY_LIMIT) {
            throw new IllegalArgumentException("maxCommandsPerEntry must be in 1.." + MAX_COMMANDS_PER_ENTRY_LIMIT);
        }
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.propose = propose;
        this.maxCommandsPerEntry = maxCommandsPerEntry;
        this.maxEntryBytes = maxEntryBytes;
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
        proposeQueued();
        return outcome;
    }

    /**
     * Proposes what is queued unless another caller is at it. Re-checks the queue after letting go, so a command
     * queued while the proposer was finishing is never left behind.
     */
    private void proposeQueued() {
        while (!queue.isEmpty() && proposing.compareAndSet(false, true)) {
            try {
                for (int turn = 0; turn < MAX_BATCHES_PER_TURN && !queue.isEmpty(); turn++) {
                    proposeBatch(takeBatch());
                }
            } finally {
                proposing.set(false);
            }
        }
    }

    private List<Pending> takeBatch() {
        List<Pending> batch = new ArrayList<>();
        int bytes = 0;
        for (Pending next = queue.peek(); next != null && batch.size() < maxCommandsPerEntry
                && (batch.isEmpty() || bytes + next.encodedBytes() <= maxEntryBytes); next = queue.peek()) {
            Pending taken = queue.poll(); // close() may drain the queue meanwhile: take what poll() gives
            if (taken == null) {
                break;
            }
            batch.add(taken);
            bytes += taken.encodedBytes();
        }
        return batch;
    }

    private void proposeBatch(List<Pending> batch) {
        if (batch.isEmpty()) {
            return;
        }
        CompletableFuture<List<CommandOutcome>> proposal;
        try {
            CommandBatch.Builder entry = CommandBatch.newBuilder();
            batch.forEach(pending -> entry.addCommands(pending.command()));
            proposal = propose.apply(entry.build().toByteArray());
        } catch (RuntimeException e) {
            // Encoding or the proposal call itself failed: these commands fail, the next batch goes on.
            LOG.errorf(e, "proposing a batch of %d commands failed", batch.size());
            batch.forEach(pending -> pending.outcome().completeExceptionally(e));
            return;
        }
        proposal.whenComplete((outcomes, failure) -> {
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
        for (Pending pending = queue.poll(); pending != null; pending = queue.poll()) {
            pending.outcome().completeExceptionally(new NodeNotReady("the node is stopping"));
        }
    }
}
