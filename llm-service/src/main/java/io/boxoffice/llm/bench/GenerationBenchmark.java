package io.boxoffice.llm.bench;

import io.boxoffice.llm.generation.DecodeBackend;
import io.boxoffice.llm.generation.GenerationListener;
import io.boxoffice.llm.generation.GenerationMetrics;
import io.boxoffice.llm.generation.GenerationRequest;
import io.boxoffice.llm.generation.GenerationScheduler;
import io.boxoffice.llm.generation.GenerationSummary;
import io.boxoffice.llm.generation.QueueFullException;
import io.boxoffice.llm.generation.SamplingParams;
import io.boxoffice.llm.generation.SchedulerLimits;
import io.boxoffice.llm.model.CachedDecodeBackend;
import io.boxoffice.llm.model.DjlRuntime;
import io.boxoffice.llm.model.GptConfig;
import io.boxoffice.llm.model.Gpt2Model;
import io.boxoffice.llm.model.RecomputingDecodeBackend;
import io.boxoffice.llm.tokenizer.Gpt2Tokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;

/**
 * CPU benchmark of the generation path on a model with DistilGPT2's exact shape (random weights,
 * or real ones with --model-dir): time to first token for a 100-token prompt, tokens/s for one
 * request, aggregate tokens/s for 8 concurrent requests, each with and without the KV cache.
 * Not a test: run it by hand (see docs/BENCHMARKS.md) and record the numbers.
 *
 * <p>Also measured: how long a running request waits between two tokens while a long prompt
 * (900 tokens) arrives, with the service's prefill rounds and with the whole prompt in one pass.
 * Run it with {@code scripts/llm-benchmark.sh}.
 *
 * <p>Arguments: {@code --threads N} (PyTorch intra-op threads, default 1 like the service), {@code --new-tokens N}
 * (default 64), {@code --no-cache-new-tokens N} (default 16), {@code --concurrency N} (default 8),
 * {@code --prefill-tokens-per-step N} and {@code --prefill-tokens-idle N} (defaults: the service's),
 * {@code --model-dir DIR} (default: write a random DistilGPT2-shaped checkpoint to a temp dir).
 */
public final class GenerationBenchmark {

    private static final int PROMPT_TOKENS = 100;
    private static final int LONG_PROMPT_TOKENS = 900;

    public static void main(String[] args) throws Exception {
        int threads = intArg(args, "--threads", 1);
        int newTokens = intArg(args, "--new-tokens", 64);
        int noCacheNewTokens = intArg(args, "--no-cache-new-tokens", 16);
        int concurrency = intArg(args, "--concurrency", 8);
        String modelDirArg = stringArg(args, "--model-dir", null);
        int prefillTokens = intArg(args, "--prefill-tokens-per-step", SchedulerLimits.PREFILL_TOKENS_PER_STEP_DEFAULT);
        int prefillIdleTokens = intArg(args, "--prefill-tokens-idle", Math.max(prefillTokens, SchedulerLimits.PREFILL_TOKENS_IDLE_DEFAULT));

        DjlRuntime.start(Path.of(System.getProperty("java.io.tmpdir"), "boxoffice-djl"), threads);
        // As in the service (ModelService): every PyTorch call on one thread, which loads the model and runs the schedulers.
        ExecutorService modelThread = DjlRuntime.newModelThread();
        Path dir;
        if (modelDirArg != null) {
            dir = Path.of(modelDirArg);
        } else {
            Path tempDir = Files.createTempDirectory("boxoffice-bench-distilgpt2");
            dir = tempDir;
            long start = System.nanoTime();
            // No <|endoftext|> in the vocabulary, so every request generates exactly the tokens asked for.
            modelThread.submit(() -> {
                RandomGpt2Checkpoint.write(tempDir, GptConfig.distilGpt2(), 7, 0.02f, false, false);
                return null;
            }).get();
            System.out.printf("wrote a random DistilGPT2-shaped checkpoint to %s in %d ms%n", dir, (System.nanoTime() - start) / 1_000_000);
        }
        long loadStart = System.nanoTime();
        Path modelDir = dir;
        try (Gpt2Model model = modelThread.submit(() -> Gpt2Model.load(modelDir)).get()) {
            Gpt2Tokenizer tokenizer = Gpt2Tokenizer.load(dir.resolve("vocab.json"), dir.resolve("merges.txt"));
            System.out.printf("loaded %s in %d ms; %d intra-op threads; %d cores visible%n", model.config(),
                    (System.nanoTime() - loadStart) / 1_000_000, threads, Runtime.getRuntime().availableProcessors());
            List<String> rows = new ArrayList<>();
            rows.add(String.format("| machine | %s, %d cores, %s, %s |", System.getProperty("os.arch"),
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name") + " " + Runtime.version(), ZonedDateTime.now()));
            Random random = new Random(11);
            List<int[]> prompts = new ArrayList<>();
            for (int i = 0; i < Math.max(concurrency, 1); i++) {
                int[] prompt = new int[PROMPT_TOKENS];
                Arrays.setAll(prompt, t -> random.nextInt(model.config().vocabularySize()));
                prompts.add(prompt);
            }
            for (boolean cache : new boolean[] {true, false}) {
                Supplier<DecodeBackend> backend = cache ? () -> new CachedDecodeBackend(model) : () -> new RecomputingDecodeBackend(model);
                int tokens = cache ? newTokens : noCacheNewTokens;
                String label = cache ? "KV cache" : "no KV cache";
                try (GenerationScheduler scheduler = new GenerationScheduler(backend, tokenizer,
                        new SchedulerLimits(Math.max(concurrency, 1), 64, 50, prefillTokens, prefillIdleTokens), GenerationMetrics.NONE,
                        System::nanoTime, modelThread)) {
                    run(scheduler, List.of(prompts.get(0)), 8); // warm-up: JIT, allocator, thread pool
                    long[] ttft = new long[5];
                    for (int i = 0; i < ttft.length; i++) {
                        ttft[i] = run(scheduler, List.of(prompts.get(i % prompts.size())), 1).summaries.get(0).firstTokenNanos();
                    }
                    Arrays.sort(ttft);
                    rows.add(String.format("| %s: time to first token, 100-token prompt (median of 5) | %.1f ms |", label, ttft[2] / 1e6));
                    // Medians of several runs: on a shared CPU one run can land in someone else's burst.
                    int repeats = cache ? 3 : 1;
                    List<Result> singles = new ArrayList<>();
                    List<Result> manys = new ArrayList<>();
                    for (int i = 0; i < repeats; i++) {
                        singles.add(run(scheduler, List.of(prompts.get(0)), tokens));
                        manys.add(run(scheduler, prompts.subList(0, concurrency), tokens));
                    }
                    singles.sort(java.util.Comparator.comparingDouble(Result::aggregateTokensPerSecond));
                    manys.sort(java.util.Comparator.comparingDouble(Result::aggregateTokensPerSecond));
                    Result single = singles.get(repeats / 2);
                    Result many = manys.get(repeats / 2);
                    double decodeRate = singles.stream().mapToDouble(r -> r.summaries.get(0).decodeTokensPerSecond()).sorted().toArray()[repeats / 2];
                    String runs = repeats > 1 ? " (median of " + repeats + ")" : "";
                    rows.add(String.format("| %s: one request, %d new tokens: decode tokens/s after the first%s | %.1f |", label, tokens, runs, decodeRate));
                    rows.add(String.format("| %s: one request, %d new tokens: end-to-end tokens/s incl. prompt%s | %.1f |", label, tokens, runs, single.aggregateTokensPerSecond()));
                    rows.add(String.format("| %s: %d concurrent requests, %d new tokens each: aggregate tokens/s%s | %.1f (%.2f× one request end-to-end) |",
                            label, concurrency, tokens, runs, many.aggregateTokensPerSecond(), many.aggregateTokensPerSecond() / single.aggregateTokensPerSecond()));
                    long[] manyTtft = many.summaries.stream().mapToLong(GenerationSummary::firstTokenNanos).sorted().toArray();
                    rows.add(String.format("| %s: %d concurrent: time to first token, median / slowest | %.1f / %.1f ms |", label,
                            concurrency, manyTtft[manyTtft.length / 2] / 1e6, manyTtft[manyTtft.length - 1] / 1e6));
                }
            }
            for (int budget : new int[] {prefillTokens, LONG_PROMPT_TOKENS}) {
                try (GenerationScheduler scheduler = new GenerationScheduler(() -> new CachedDecodeBackend(model), tokenizer,
                        new SchedulerLimits(Math.max(concurrency, 2), 64, 50, budget, Math.max(budget, prefillIdleTokens)), GenerationMetrics.NONE,
                        System::nanoTime, modelThread)) {
                    run(scheduler, List.of(prompts.get(0)), 8);
                    int[] longPrompt = new int[LONG_PROMPT_TOKENS];
                    Arrays.setAll(longPrompt, t -> random.nextInt(model.config().vocabularySize()));
                    long gap = longestGapWhileALongPromptArrives(scheduler, prompts.get(0), longPrompt, Math.max(newTokens, 64));
                    rows.add(String.format("| KV cache: one request decoding while a %d-token prompt arrives: longest wait between"
                            + " two of its tokens, prefill rounds of %d tokens%s | %.1f ms |", LONG_PROMPT_TOKENS, budget,
                            budget >= LONG_PROMPT_TOKENS ? " (the whole prompt in one pass)" : "", gap / 1e6));
                }
            }
            System.out.println();
            System.out.println("| measurement | value |");
            System.out.println("|---|---|");
            rows.forEach(System.out::println);
        } finally {
            modelThread.shutdownNow();
            if (modelDirArg == null) {
                deleteRecursively(dir);
            }
        }
    }

    private static void deleteRecursively(Path dir) throws java.io.IOException {
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    /**
     * Starts a request, submits a long prompt once it has 8 tokens, and returns the longest time
     * between two consecutive tokens of the first request from then on.
     */
    private static long longestGapWhileALongPromptArrives(GenerationScheduler scheduler, int[] prompt, int[] longPrompt,
            int newTokens) throws QueueFullException {
        CompletableFuture<GenerationSummary> first = new CompletableFuture<>();
        CompletableFuture<GenerationSummary> second = new CompletableFuture<>();
        long[] gapMax = new long[1];
        scheduler.submit(new GenerationRequest(prompt, SamplingParams.greedy(), newTokens, List.of(), System.nanoTime() + 600_000_000_000L),
                new GenerationListener() {
                    int tokens;
                    boolean submitted;
                    long last;

                    @Override
                    public void onText(String text, int[] tokenIds) {
                        long now = System.nanoTime();
                        tokens += tokenIds.length;
                        if (submitted) {
                            gapMax[0] = Math.max(gapMax[0], now - last);
                        } else if (tokens >= 8) {
                            submitQuietly(scheduler, longPrompt, second);
                            submitted = true;
                        }
                        last = now;
                    }

                    @Override
                    public void onFinish(GenerationSummary summary) {
                        first.complete(summary);
                    }

                    @Override
                    public void onError(RuntimeException error) {
                        first.completeExceptionally(error);
                    }
                });
        first.join();
        second.join();
        return gapMax[0];
    }

    private static void submitQuietly(GenerationScheduler scheduler, int[] prompt, CompletableFuture<GenerationSummary> done) {
        try {
            scheduler.submit(new GenerationRequest(prompt, SamplingParams.greedy(), 4, List.of(), System.nanoTime() + 600_000_000_000L),
                    new GenerationListener() {
                        @Override
                        public void onText(String text, int[] tokenIds) {}

                        @Override
                        public void onFinish(GenerationSummary summary) {
                            done.complete(summary);
                        }

                        @Override
                        public void onError(RuntimeException error) {
                            done.completeExceptionally(error);
                        }
                    });
        } catch (QueueFullException e) {
            done.completeExceptionally(e);
        }
    }

    private record Result(List<GenerationSummary> summaries, long wallNanos) {
        double aggregateTokensPerSecond() {
            return summaries.stream().mapToInt(GenerationSummary::generatedTokens).sum() * 1e9 / wallNanos;
        }
    }

    /** Submits all prompts at once (greedy) and waits for all of them. */
    private static Result run(GenerationScheduler scheduler, List<int[]> prompts, int newTokens) throws QueueFullException {
        List<CompletableFuture<GenerationSummary>> done = new ArrayList<>();
        long start = System.nanoTime();
        for (int[] prompt : prompts) {
            CompletableFuture<GenerationSummary> future = new CompletableFuture<>();
            scheduler.submit(new GenerationRequest(prompt, SamplingParams.greedy(), newTokens, List.of(), System.nanoTime() + 600_000_000_000L),
                    new GenerationListener() {
                        @Override
                        public void onText(String text, int[] tokenIds) {}

                        @Override
                        public void onFinish(GenerationSummary summary) {
                            future.complete(summary);
                        }

                        @Override
                        public void onError(RuntimeException error) {
                            future.completeExceptionally(error);
                        }
                    });
            done.add(future);
        }
        List<GenerationSummary> summaries = done.stream().map(CompletableFuture::join).toList();
        return new Result(summaries, System.nanoTime() - start);
    }

    private static int intArg(String[] args, String name, int defaultValue) {
        String value = stringArg(args, name, null);
        return value == null ? defaultValue : Integer.parseInt(value);
    }

    private static String stringArg(String[] args, String name, String defaultValue) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return defaultValue;
    }
}
