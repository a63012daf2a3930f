package io.boxoffice.booking.app;

import io.boxoffice.booking.errors.Overloaded;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.boxoffice.booking.domain.CommandOutcome;
import io.boxoffice.proto.replicated.v1.Command;
import io.boxoffice.proto.replicated.v1.CommandBatch;
import io.boxoffice.proto.replicated.v1.RejectionCode;
import io.boxoffice.proto.replicated.v1.RejectionRecord;
import io.boxoffice.raft.errors.NotLeaderException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ProposalBatcherTest {

    /** Entries proposed, with the future the test completes. */
    private final LinkedBlockingQueue<Proposed> proposed = new LinkedBlockingQueue<>();
    private ProposalBatcher batcher;

    private record Proposed(CommandBatch entry, CompletableFuture<List<CommandOutcome>> result) {
    }

    private ProposalBatcher batcher(int queueCapacity, int maxCommands, int maxBytes) {
        batcher = new ProposalBatcher(queueCapacity, maxCommands, maxBytes, bytes -> {
            CompletableFuture<List<CommandOutcome>> result = new CompletableFuture<>();
            try {
                proposed.add(new Proposed(CommandBatch.parseFrom(bytes), result));
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                throw new AssertionError(e);
            }
            return result;
        });
        return batcher;
    }

    @AfterEach
    void close() {
        if (batcher != null) {
            batcher.close();
        }
    }

    private static Command command(String key) {
        return Command.newBuilder().setIdempotencyKey(key).setNowMillis(1).build();
    }

    private static CommandOutcome refused(String message) {
        return CommandOutcome.rejected(RejectionRecord.newBuilder()
                .setCode(RejectionCode.REJECTION_CODE_FAILED_PRECONDITION).setMessage(message).build());
    }

    @Test
    void a_lone_command_is_proposed_at_once_on_the_callers_thread_and_gets_its_own_outcome() throws Exception {
        batcher(100, 256, 65_536);
        List<CompletableFuture<CommandOutcome>> outcomes = new ArrayList<>();
        for (String key : List.of("a", "b", "c")) {
            outcomes.add(batcher.submit(command(key)));
            // Nobody else is proposing: submit() itself proposed it, alone, before it returned.
            assertThat(proposed).hasSize(1);
            Proposed alone = proposed.poll();
            assertThat(alone.entry().getCommandsList()).extracting(Command::getIdempotencyKey).containsExactly(key);
            alone.result().complete(List.of(refused(key)));
        }
        for (int i = 0; i < 3; i++) {
            assertThat(outcomes.get(i).get(5, TimeUnit.SECONDS).rejection().getMessage())
                    .as("each command gets its own outcome").isEqualTo(List.of("a", "b", "c").get(i));
        }
    }

    @Test
    void a_busy_batcher_packs_everything_waiting_into_one_entry_up_to_its_bounds() throws Exception {
        // The propose function blocks until released, so commands pile up behind the first entry.
        CompletableFuture<Void> release = new CompletableFuture<>();
        List<CommandBatch> entries = new CopyOnWriteArrayList<>();
        batcher = new ProposalBatcher(100, 4, 65_536, bytes -> {
            release.join();
            try {
                entries.add(CommandBatch.parseFrom(bytes));
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                throw new AssertionError(e);
            }
            CompletableFuture<List<CommandOutcome>> result = new CompletableFuture<>();
            result.completeExceptionally(new NotLeaderException("n1", "n2"));
            return result;
        });
        // k0's caller proposes it and stays inside the proposal; the others only queue and return at once.
        CompletableFuture<CompletableFuture<CommandOutcome>> first = CompletableFuture.supplyAsync(
                () -> batcher.submit(command("k0")));
        waitUntil(() -> release.getNumberOfDependents() > 0);
        List<CompletableFuture<CommandOutcome>> outcomes = new ArrayList<>();
        for (int i = 1; i < 7; i++) {
            outcomes.add(batcher.submit(command("k" + i)));
        }
        assertThat(entries).isEmpty();
        release.complete(null);
        outcomes.add(0, first.get(5, TimeUnit.SECONDS));
        for (CompletableFuture<CommandOutcome> outcome : outcomes) {
            assertThatThrownBy(() -> outcome.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(NotLeaderException.class);
        }
        assertThat(entries).allSatisfy(entry -> assertThat(entry.getCommandsCount()).isLessThanOrEqualTo(4));
        assertThat(entries.stream().flatMap(e -> e.getCommandsList().stream()).map(Command::getIdempotencyKey))
                .containsExactly("k0", "k1", "k2", "k3", "k4", "k5", "k6");
        assertThat(entries.size()).as("packed, not one entry per command").isLessThan(7);
    }

    @Test
    void a_full_queue_or_an_oversized_command_is_refused_at_once() throws Exception {
        CompletableFuture<Void> release = new CompletableFuture<>();
        LinkedBlockingQueue<Integer> proposedSizes = new LinkedBlockingQueue<>();
        batcher = new ProposalBatcher(2, 256, 200, bytes -> {
            try {
                proposedSizes.add(CommandBatch.parseFrom(bytes).getCommandsCount());
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                throw new AssertionError(e);
            }
            release.join();
            return CompletableFuture.completedFuture(List.of());
        });
        Command large = Command.newBuilder().setIdempotencyKey("x".repeat(300)).build();
        assertThatThrownBy(() -> batcher.submit(large).get(5, TimeUnit.SECONDS))
                .hasCauseInstanceOf(Overloaded.class).hasMessageContaining("too large");

        // The first command goes out alone (nothing else is queued yet) and its proposal blocks: from then on the
        // batcher takes nothing, so the queue of 2 fills and the next command is refused at once.
        // q0's caller proposes it alone (nothing else is queued yet) and its proposal blocks: meanwhile nobody takes
        // from the queue, so the queue of 2 fills and the next command is refused at once.
        CompletableFuture<CompletableFuture<CommandOutcome>> proposing = CompletableFuture.supplyAsync(
                () -> batcher.submit(command("q0")));
        assertThat(proposedSizes.poll(5, TimeUnit.SECONDS)).as("q0 proposed alone").isEqualTo(1);
        CompletableFuture<CommandOutcome> queuedFirst = batcher.submit(command("q1"));
        CompletableFuture<CommandOutcome> queuedSecond = batcher.submit(command("q2"));
        CompletableFuture<CommandOutcome> refused = batcher.submit(command("q3"));
        assertThat(List.of(proposing, queuedFirst, queuedSecond)).noneMatch(CompletableFuture::isDone);
        assertThat(refused).as("the queue holds 2 behind the entry in progress").isCompletedExceptionally();
        assertThatThrownBy(refused::join).hasCauseInstanceOf(Overloaded.class);
        release.complete(null);
        proposing.get(5, TimeUnit.SECONDS);
        assertThat(proposedSizes.poll(5, TimeUnit.SECONDS)).as("q1 and q2 share the next entry").isEqualTo(2);
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within 5 s").isLessThan(deadline);
            Thread.sleep(1);
        }
    }
}
