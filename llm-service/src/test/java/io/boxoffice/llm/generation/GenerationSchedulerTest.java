package io.boxoffice.llm.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.boxoffice.llm.model.CachedDecodeBackend;
import io.boxoffice.llm.model.Gpt2Model;
import io.boxoffice.llm.model.RecomputingDecodeBackend;
import io.boxoffice.llm.model.TestModels;
import io.boxoffice.llm.tokenizer.Gpt2Tokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GenerationSchedulerTest {

    private static final long FAR_FUTURE = Long.MAX_VALUE / 4;
    private static Gpt2Model model;
    private static Gpt2Tokenizer tokenizer;

    @BeforeAll
    static void load() throws Exception {
        Path dir = TestModels.tiny(false, false); // no <|endoftext|>: sequences run to their limits
        model = Gpt2Model.load(dir);
        tokenizer = Gpt2Tokenizer.load(dir.resolve("vocab.json"), dir.resolve("merges.txt"));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    /** Collects one sequence's output. */
    static class Collector implements GenerationListener {
        final List<Integer> tokens = new ArrayList<>();
        final StringBuilder text = new StringBuilder();
        final CompletableFuture<GenerationSummary> done = new CompletableFuture<>();

        @Override
        public void onText(String delta, int[] tokenIds) {
            text.append(delta);
            for (int id : tokenIds) {
                tokens.add(id);
            }
        }

        @Override
        public void onFinish(GenerationSummary summary) {
            done.complete(summary);
        }

        @Override
        public void onError(RuntimeException error) {
            done.completeExceptionally(error);
        }

        GenerationSummary await() throws Exception {
            return done.get(60, TimeUnit.SECONDS);
        }
    }

    /** Records the largest batch decoded in one step. */
    static final class BatchWatcher implements GenerationMetrics {
        final AtomicInteger largestBatch = new AtomicInteger();

        @Override
        public void batchStep(int rows, long nanos) {
            largestBatch.accumulateAndGet(rows, Math::max);
        }
    }

    /** Records prefill rounds ("P&lt;prompts&gt;/&lt;tokens&gt;") and decode steps ("D&lt;rows&gt;") in the order they ran. */
    static final class StepLog implements GenerationMetrics {
        final List<String> steps = java.util.Collections.synchronizedList(new ArrayList<>());

        @Override
        public void prefillStep(int prompts, int tokens, long nanos) {
            steps.add("P" + prompts + "/" + tokens);
        }

        @Override
        public void batchStep(int rows, long nanos) {
            steps.add("D" + rows);
        }
    }

    /** A listener that holds the scheduler thread at its first token until released. */
    static final class HoldingCollector extends Collector {
        final CountDownLatch firstTokenSeen = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public void onText(String delta, int[] tokenIds) {
            super.onText(delta, tokenIds);
            if (firstTokenSeen.getCount() > 0) {
                firstTokenSeen.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private static GenerationScheduler scheduler(int batch, Supplier<DecodeBackend> backend, GenerationMetrics metrics, LongSupplier clock) {
        return new GenerationScheduler(backend, tokenizer, new SchedulerLimits(batch, 16, 5), metrics, clock);
    }

    private static GenerationScheduler cached(int batch) {
        return scheduler(batch, () -> new CachedDecodeBackend(model), GenerationMetrics.NONE, System::nanoTime);
    }

    private static GenerationRequest request(int[] prompt, int maxNewTokens) {
        return new GenerationRequest(prompt, SamplingParams.greedy(), maxNewTokens, List.of(), FAR_FUTURE);
    }

    /** What each prompt generates when it is the only request (greedy, so the reference for batched runs). */
    private static List<List<Integer>> generatedAlone(List<int[]> prompts, int maxNewTokens) throws Exception {
        List<List<Integer>> alone = new ArrayList<>();
        try (GenerationScheduler single = cached(1)) {
            for (int[] prompt : prompts) {
                Collector collector = new Collector();
                single.submit(request(prompt, maxNewTokens), collector);
                collector.await();
                alone.add(collector.tokens);
            }
        }
        return alone;
    }

    private static List<int[]> prompts() {
        Random random = new Random(21);
        List<int[]> prompts = new ArrayList<>();
        for (int length : new int[] {3, 17, 1, 9, 12, 5}) {
            int[] prompt = new int[length];
            for (int i = 0; i < length; i++) {
                prompt[i] = random.nextInt(299);
            }
            prompts.add(prompt);
        }
        return prompts;
    }

    @Test
    void batched_greedy_generation_equals_one_at_a_time() throws Exception {
        List<int[]> prompts = prompts();
        int[] maxTokens = {20, 14, 25, 8, 20, 11}; // sequences leave the batch at different steps
        List<List<Integer>> alone = new ArrayList<>();
        try (GenerationScheduler single = cached(1)) {
            for (int i = 0; i < prompts.size(); i++) {
                Collector collector = new Collector();
                single.submit(request(prompts.get(i), maxTokens[i]), collector);
                collector.await();
                alone.add(collector.tokens);
            }
        }
        BatchWatcher watcher = new BatchWatcher();
        List<Collector> batched = new ArrayList<>();
        try (GenerationScheduler batch = scheduler(4, () -> new CachedDecodeBackend(model), watcher, System::nanoTime)) {
            for (int i = 0; i < prompts.size(); i++) {
                Collector collector = new Collector();
                batch.submit(request(prompts.get(i), maxTokens[i]), collector);
                batched.add(collector);
            }
            for (int i = 0; i < prompts.size(); i++) {
                GenerationSummary summary = batched.get(i).await();
                assertThat(summary.generatedTokens()).isEqualTo(maxTokens[i]);
                assertThat(batched.get(i).tokens).as("sequence %d", i).isEqualTo(alone.get(i));
            }
        }
        assertThat(watcher.largestBatch.get()).as("sequences were really decoded together").isGreaterThan(1);
    }

    @Test
    void decoding_without_the_cache_generates_the_same_tokens() throws Exception {
        List<int[]> prompts = prompts().subList(0, 3);
        List<List<Integer>> withCache = new ArrayList<>();
        List<List<Integer>> withoutCache = new ArrayList<>();
        for (boolean cache : new boolean[] {true, false}) {
            Supplier<DecodeBackend> backend = cache ? () -> new CachedDecodeBackend(model) : () -> new RecomputingDecodeBackend(model);
            try (GenerationScheduler scheduler = scheduler(3, backend, GenerationMetrics.NONE, System::nanoTime)) {
                List<Collector> collectors = new ArrayList<>();
                for (int[] prompt : prompts) {
                    Collector collector = new Collector();
                    scheduler.submit(request(prompt, 10), collector);
                    collectors.add(collector);
                }
                for (Collector collector : collectors) {
                    collector.await();
                    (cache ? withCache : withoutCache).add(collector.tokens);
                }
            }
        }
        assertThat(withoutCache).isEqualTo(withCache);
    }

    @Test
    void max_new_tokens_is_honoured_exactly() throws Exception {
        try (GenerationScheduler scheduler = cached(2)) {
            Collector collector = new Collector();
            scheduler.submit(request(new int[] {1, 2, 3}, 7), collector);
            GenerationSummary summary = collector.await();
            assertThat(summary.reason()).isEqualTo(FinishReason.MAX_TOKENS);
            assertThat(summary.generatedTokens()).isEqualTo(7);
            assertThat(collector.tokens).hasSize(7);
            assertThat(collector.text.toString()).isEqualTo(tokenizer.decode(collector.tokens.stream().mapToInt(i -> i).toArray()));
        }
    }

    @Test
    void the_deadline_stops_generation_between_steps() throws Exception {
        AtomicLong now = new AtomicLong();
        LongSupplier clock = () -> now.addAndGet(1_000_000); // every clock read advances 1 ms
        try (GenerationScheduler scheduler = scheduler(2, () -> new CachedDecodeBackend(model), GenerationMetrics.NONE, clock)) {
            Collector collector = new Collector();
            scheduler.submit(new GenerationRequest(new int[] {4, 5}, SamplingParams.greedy(), 50, List.of(), 40_000_000L), collector);
            GenerationSummary summary = collector.await();
            assertThat(summary.reason()).isEqualTo(FinishReason.DEADLINE);
            assertThat(summary.generatedTokens()).isBetween(1, 49);
        }
    }

    @Test
    void a_request_whose_deadline_passed_while_queued_generates_nothing() throws Exception {
        try (GenerationScheduler scheduler = cached(1)) {
            Collector collector = new Collector();
            scheduler.submit(new GenerationRequest(new int[] {4, 5}, SamplingParams.greedy(), 50, List.of(), System.nanoTime() - 1), collector);
            GenerationSummary summary = collector.await();
            assertThat(summary.reason()).isEqualTo(FinishReason.DEADLINE);
            assertThat(summary.generatedTokens()).isZero();
        }
    }

    @Test
    void a_sequence_stops_when_the_context_is_full() throws Exception {
        try (GenerationScheduler scheduler = cached(1)) {
            Collector collector = new Collector();
            scheduler.submit(request(new int[60], 100), collector);
            GenerationSummary summary = collector.await();
            assertThat(summary.reason()).isEqualTo(FinishReason.CONTEXT_FULL);
            assertThat(summary.generatedTokens()).isEqualTo(64 - 60 + 1);
        }
    }

    @Test
    void a_stop_sequence_ends_generation_before_it() throws Exception {
        try (GenerationScheduler scheduler = cached(1)) {
            Collector free = new Collector();
            scheduler.submit(request(new int[] {7, 8, 9}, 30), free);
            free.await();
            String text = free.text.toString();
            String stop = text.substring(text.length() / 2, text.length() / 2 + 3);
            String expected = text.substring(0, text.indexOf(stop));
            Collector stopped = new Collector();
            scheduler.submit(new GenerationRequest(new int[] {7, 8, 9}, SamplingParams.greedy(), 30, List.of(stop), FAR_FUTURE), stopped);
            assertThat(stopped.await().reason()).isEqualTo(FinishReason.STOP_SEQUENCE);
            assertThat(stopped.text.toString()).isEqualTo(expected);
        }
    }

    @Test
    void seeded_sampling_is_reproducible_even_inside_a_batch() throws Exception {
        SamplingParams seeded = SamplingParams.seeded(1.2f, 50, 0.9f, 77);
        List<Integer> first;
        try (GenerationScheduler scheduler = cached(1)) {
            Collector collector = new Collector();
            scheduler.submit(new GenerationRequest(new int[] {1, 2}, seeded, 15, List.of(), FAR_FUTURE), collector);
            collector.await();
            first = collector.tokens;
        }
        try (GenerationScheduler scheduler = cached(3)) {
            Collector other = new Collector();
            Collector again = new Collector();
            Collector otherSeed = new Collector();
            scheduler.submit(request(new int[] {9, 9, 9, 9}, 15), other);
            scheduler.submit(new GenerationRequest(new int[] {1, 2}, seeded, 15, List.of(), FAR_FUTURE), again);
            scheduler.submit(new GenerationRequest(new int[] {1, 2}, SamplingParams.seeded(1.2f, 50, 0.9f, 78), 15, List.of(), FAR_FUTURE), otherSeed);
            again.await();
            otherSeed.await();
            assertThat(again.tokens).isEqualTo(first);
            assertThat(otherSeed.tokens).isNotEqualTo(first);
        }
    }

    @Test
    void a_full_queue_rejects_with_queue_full_and_cancel_ends_a_sequence() throws Exception {
        CountDownLatch firstTokenSeen = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (GenerationScheduler scheduler = new GenerationScheduler(() -> new CachedDecodeBackend(model), tokenizer,
                new SchedulerLimits(1, 1, 5))) {
            Collector blocking = new Collector() {
                @Override
                public void onText(String delta, int[] tokenIds) {
                    super.onText(delta, tokenIds);
                    firstTokenSeen.countDown();
                    try {
                        release.await(30, TimeUnit.SECONDS); // holds the scheduler thread: nothing else is admitted
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            };
            GenerationHandle active = scheduler.submit(request(new int[] {1}, 40), blocking);
            assertThat(firstTokenSeen.await(30, TimeUnit.SECONDS)).isTrue();
            Collector waiting = new Collector();
            scheduler.submit(request(new int[] {2}, 3), waiting);
            assertThat(scheduler.queueDepth()).isEqualTo(1);
            assertThatThrownBy(() -> scheduler.submit(request(new int[] {3}, 3), new Collector()))
                    .isInstanceOf(QueueFullException.class).hasMessageContaining("queue is full");
            active.cancel();
            release.countDown();
            assertThat(blocking.await().reason()).isEqualTo(FinishReason.CANCELLED);
            assertThat(waiting.await().reason()).isEqualTo(FinishReason.MAX_TOKENS);
        }
    }

    @Test
    void prompts_that_arrive_together_are_prefilled_together_and_generate_what_they_would_alone() throws Exception {
        List<int[]> prompts = prompts().subList(0, 4);
        List<List<Integer>> alone = generatedAlone(prompts, 6);
        StepLog log = new StepLog();
        try (GenerationScheduler scheduler = new GenerationScheduler(() -> new CachedDecodeBackend(model), tokenizer,
                new SchedulerLimits(4, 16, 5, 256), log, System::nanoTime)) {
            HoldingCollector first = new HoldingCollector();
            scheduler.submit(request(prompts.get(0), 6), first);
            assertThat(first.firstTokenSeen.await(30, TimeUnit.SECONDS)).isTrue();
            List<Collector> others = new ArrayList<>();
            for (int[] prompt : prompts.subList(1, 4)) { // they arrive while the scheduler is busy
                Collector collector = new Collector();
                scheduler.submit(request(prompt, 6), collector);
                others.add(collector);
            }
            first.release.countDown();
            first.await();
            for (int i = 0; i < others.size(); i++) {
                others.get(i).await();
                assertThat(others.get(i).tokens).as("prompt %d", i + 1).isEqualTo(alone.get(i + 1));
            }
            assertThat(first.tokens).isEqualTo(alone.get(0));
        }
        int together = prompts.get(1).length + prompts.get(2).length + prompts.get(3).length;
        assertThat(log.steps).startsWith("P1/" + prompts.get(0).length).contains("P3/" + together);
    }

    @Test
    void the_loop_runs_on_the_given_thread_and_gives_it_back_when_closed() throws Exception {
        java.util.concurrent.ExecutorService modelThread = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            Thread owner = modelThread.submit(Thread::currentThread).get();
            java.util.Set<Thread> modelCallers = java.util.concurrent.ConcurrentHashMap.newKeySet();
            Supplier<DecodeBackend> backend = () -> {
                modelCallers.add(Thread.currentThread());
                return new CachedDecodeBackend(model);
            };
            GenerationScheduler scheduler = new GenerationScheduler(backend, tokenizer, new SchedulerLimits(2, 16, 5),
                    GenerationMetrics.NONE, System::nanoTime, modelThread);
            Collector collector = new Collector();
            scheduler.submit(request(prompts().get(1), 4), collector);
            assertThat(collector.await().reason()).isEqualTo(FinishReason.MAX_TOKENS);
            assertThat(modelCallers).containsExactly(owner);
            assertThat(scheduler.isAlive()).isTrue();
            scheduler.close();
            assertThat(scheduler.isAlive()).isFalse();
            assertThat(modelThread.submit(() -> "free").get(5, TimeUnit.SECONDS)).isEqualTo("free");
        } finally {
            modelThread.shutdownNow();
        }
    }

    @Test
    void prompts_that_find_nothing_decoding_run_in_one_pass_beyond_the_per_step_budget() throws Exception {
        List<int[]> prompts = prompts().subList(1, 4); // 17 + 1 + 9 tokens
        List<List<Integer>> alone = generatedAlone(prompts, 5);
        StepLog log = new StepLog();
        try (GenerationScheduler scheduler = new GenerationScheduler(() -> new CachedDecodeBackend(model), tokenizer,
                new SchedulerLimits(4, 16, 5, 8, 64), log, System::nanoTime)) {
            HoldingCollector gate = new HoldingCollector(); // one token: finished, so nothing decodes after it
            scheduler.submit(request(new int[] {5}, 1), gate);
            assertThat(gate.firstTokenSeen.await(30, TimeUnit.SECONDS)).isTrue();
            List<Collector> together = new ArrayList<>();
            for (int[] prompt : prompts) {
                Collector collector = new Collector();
                scheduler.submit(request(prompt, 5), collector);
                together.add(collector);
            }
            gate.release.countDown();
            for (int i = 0; i < together.size(); i++) {
                together.get(i).await();
                assertThat(together.get(i).tokens).as("prompt %d", i).isEqualTo(alone.get(i));
            }
        }
        int tokens = prompts.stream().mapToInt(p -> p.length).sum();
        assertThat(tokens).isGreaterThan(8);
        assertThat(log.steps).as("27 prompt tokens, per-step budget 8, idle budget 64")
                .containsSubsequence("P1/1", "P3/" + tokens, "D3").doesNotContain("P1/8", "P2/8", "P3/8");
    }

    @Test
    void a_long_prompt_runs_in_parts_between_decode_steps_of_the_running_sequence() throws Exception {
        int[] longPrompt = new int[40];
        java.util.Arrays.setAll(longPrompt, i -> (i * 7) % 299);
        List<Integer> longAlone;
        try (GenerationScheduler single = cached(1)) {
            Collector collector = new Collector();
            single.submit(request(longPrompt, 5), collector);
            collector.await();
            longAlone = collector.tokens;
        }
        StepLog log = new StepLog();
        try (GenerationScheduler scheduler = new GenerationScheduler(() -> new CachedDecodeBackend(model), tokenizer,
                new SchedulerLimits(4, 16, 5, 8, 64), log, System::nanoTime)) { // idle budget unused: a sequence decodes
            HoldingCollector running = new HoldingCollector();
            scheduler.submit(request(new int[] {3, 4}, 30), running);
            assertThat(running.firstTokenSeen.await(30, TimeUnit.SECONDS)).isTrue();
            Collector late = new Collector();
            scheduler.submit(request(longPrompt, 5), late);
            running.release.countDown();
            running.await();
            late.await();
            assertThat(late.tokens).as("a prompt run in parts generates what it does run whole").isEqualTo(longAlone);
        }
        // 40 tokens in rounds of 8: five rounds, and the running sequence decodes after each of them.
        List<String> steps = new ArrayList<>(log.steps);
        int firstPart = steps.indexOf("P1/8");
        assertThat(firstPart).isPositive();
        assertThat(steps.subList(firstPart, firstPart + 10)).containsExactly("P1/8", "D1", "P1/8", "D1", "P1/8", "D1",
                "P1/8", "D1", "P1/8", "D2");
    }
}
