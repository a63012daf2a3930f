package io.boxoffice.llm.generation;

import io.boxoffice.llm.tokenizer.Gpt2Tokenizer;
import io.boxoffice.llm.tokenizer.Utf8StreamDecoder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Continuous batching: one thread owns the model and repeatedly (1) admits waiting requests into
 * free batch slots, (2) runs one prefill round: the admitted prompts, packed together up to
 * {@link SchedulerLimits#prefillTokensPerStepMax()} tokens (a longer prompt runs in parts over
 * several rounds; with nothing being decoded, up to {@link SchedulerLimits#prefillTokensIdleMax()}),
 * then (3) decodes one token for every sequence whose prompt has run, in a single batched model
 * call. Sequences join and leave between steps, so a long answer never
 * holds up a short one, a long prompt delays the running sequences by at most one bounded round
 * per token, and eight concurrent requests cost far less per step than eight single ones
 * (decoding is bound by reading the weights, which the batch shares).
 *
 * <p>Bounded: at most {@link SchedulerLimits#batchSizeMax()} admitted sequences (prefilling or
 * decoding) and {@link SchedulerLimits#queueCapacity()} waiting ones; a full queue rejects with
 * {@link QueueFullException}. Every sequence stops at its max tokens, deadline, end of text, a
 * stop sequence, cancellation, or the model's context size.
 */
public final class GenerationScheduler implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(GenerationScheduler.class);

    private final Supplier<DecodeBackend> backendFactory;
    private final Gpt2Tokenizer tokenizer;
    private final SchedulerLimits limits;
    private final GenerationMetrics metrics;
    private final LongSupplier clock;
    private final BlockingQueue<Sequence> waiting;
    /** Admitted sequences whose prompt has not finished running, oldest first. */
    private final List<Sequence> prefilling = new ArrayList<>();
    /** Sequences being decoded, in the backend's row order. */
    private final List<Sequence> active = new ArrayList<>();
    /** The loop's thread once it runs (to interrupt it); {@link #stopped} opens when the loop has ended. */
    private volatile Thread loopThread;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile int activeCount;
    private DecodeBackend backend;

    /**
     * Starts the loop on {@code loopExecutor}, which must give it a thread of its own until
     * {@link #close()}. Pass the single thread that loaded the model: libtorch keeps an OpenMP
     * thread team per calling thread, and with two teams on this machine's two cores every step
     * measured about 25 % slower (a 1-row decode step 19 ms instead of 14.5 with 2 threads), so all
     * PyTorch work of a process should happen on one thread.
     */
    public GenerationScheduler(Supplier<DecodeBackend> backendFactory, Gpt2Tokenizer tokenizer,
            SchedulerLimits limits, GenerationMetrics metrics, LongSupplier clock, Executor loopExecutor) {
        this.backendFactory = backendFactory;
        this.tokenizer = tokenizer;
        this.limits = limits;
        this.metrics = metrics;
        this.clock = clock;
        this.waiting = new ArrayBlockingQueue<>(limits.queueCapacity());
        loopExecutor.execute(this::run);
    }

    /** Runs the loop on a thread of its own ({@code llm-scheduler}). */
    public GenerationScheduler(Supplier<DecodeBackend> backendFactory, Gpt2Tokenizer tokenizer,
            SchedulerLimits limits, GenerationMetrics metrics, LongSupplier clock) {
        this(backendFactory, tokenizer, limits, metrics, clock, ownThread());
    }

    private static Executor ownThread() {
        return loop -> {
            Thread thread = new Thread(loop, "llm-scheduler");
            thread.setDaemon(true);
            thread.start();
        };
    }

    public GenerationScheduler(Supplier<DecodeBackend> backendFactory, Gpt2Tokenizer tokenizer, SchedulerLimits limits) {
        this(backendFactory, tokenizer, limits, GenerationMetrics.NONE, System::nanoTime);
    }

    /**
     * Queues a request. Never blocks.
     *
     * @throws QueueFullException when {@link SchedulerLimits#queueCapacity()} requests are already waiting
     * @throws IllegalStateException after {@link #close()}
     */
    public GenerationHandle submit(GenerationRequest request, GenerationListener listener) throws QueueFullException {
        if (!running) {
            throw new IllegalStateException("the generation scheduler is stopped");
        }
        long seed = request.sampling().seed().orElseGet(() -> ThreadLocalRandom.current().nextLong());
        Sequence sequence = new Sequence(request, listener, new TokenSampler(request.sampling(), seed), clock.getAsLong());
        if (!waiting.offer(sequence)) {
            metrics.rejected();
            throw new QueueFullException(limits.queueCapacity());
        }
        return sequence::cancel;
    }

    public int queueDepth() {
        return waiting.size();
    }

    /** Sequences currently admitted: prompts running or being decoded (read racily, for metrics). */
    public int activeSequences() {
        return activeCount;
    }

    /** False once the loop has ended (closed, or a failure it could not survive). */
    public boolean isAlive() {
        return stopped.getCount() > 0;
    }

    private void run() {
        loopThread = Thread.currentThread();
        if (!running) { // closed before the executor got to the loop
            stopped.countDown();
            return;
        }
        try {
            backend = backendFactory.get();
        } catch (RuntimeException | Error e) {
            stopped.countDown();
            throw e;
        }
        try {
            while (running) {
                try {
                    if (active.isEmpty() && prefilling.isEmpty()) {
                        Sequence next = waiting.poll(limits.idlePollMillis(), TimeUnit.MILLISECONDS);
                        if (next == null) {
                            continue;
                        }
                        admit(next);
                    }
                    admitWaiting();
                    retireStopped();
                    if (!prefilling.isEmpty()) {
                        prefillRound();
                    }
                    retireStopped();
                    if (!active.isEmpty()) {
                        decodeStep();
                    }
                    activeCount = active.size() + prefilling.size();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                } catch (RuntimeException e) {
                    failAdmitted(e);
                }
            }
        } finally {
            for (Sequence sequence : prefilling) {
                sequence.finish(FinishReason.CANCELLED);
            }
            prefilling.clear();
            for (Sequence sequence : active) {
                sequence.finish(FinishReason.CANCELLED);
            }
            active.clear();
            Sequence left;
            while ((left = waiting.poll()) != null) {
                left.finish(FinishReason.CANCELLED);
            }
            backend.close();
            stopped.countDown();
        }
    }

    private void admitWaiting() {
        Sequence next;
        while (active.size() + prefilling.size() < limits.batchSizeMax() && (next = waiting.poll()) != null) {
            admit(next);
        }
    }

    /** Takes a batch slot for the sequence, whose prompt then runs in the next prefill rounds. */
    private void admit(Sequence sequence) {
        sequence.admittedNanos = clock.getAsLong() - sequence.submittedNanos;
        FinishReason early = sequence.stopReasonBeforeStep();
        if (early != null) {
            sequence.finish(early);
            return;
        }
        if (sequence.request.promptTokens().length >= backend.positions()) {
            sequence.finish(FinishReason.CONTEXT_FULL);
            return;
        }
        sequence.prompt = new PromptRun(sequence.request.promptTokens());
        prefilling.add(sequence);
    }

    /**
     * Runs the waiting prompts, oldest first, packed into one model pass of at most
     * {@link SchedulerLimits#prefillTokensPerStepMax()} tokens, or
     * {@link SchedulerLimits#prefillTokensIdleMax()} when no sequence is being decoded (a round
     * only has to be short for the sake of sequences waiting for their next token); the last
     * prompt taken may run only in part. Finished prompts sample their first token and join the
     * decoding rows.
     */
    private void prefillRound() {
        int roundTokensMax = active.isEmpty() ? limits.prefillTokensIdleMax() : limits.prefillTokensPerStepMax();
        int budget = roundTokensMax;
        List<Sequence> chosen = new ArrayList<>();
        List<PromptRun> prompts = new ArrayList<>();
        List<Integer> takes = new ArrayList<>();
        for (Sequence sequence : prefilling) {
            if (budget == 0) {
                break;
            }
            int take = Math.min(sequence.prompt.remaining(), budget);
            chosen.add(sequence);
            prompts.add(sequence.prompt);
            takes.add(take);
            budget -= take;
        }
        long start = clock.getAsLong();
        float[][] logits = backend.prefill(prompts, takes.stream().mapToInt(Integer::intValue).toArray());
        metrics.prefillStep(chosen.size(), roundTokensMax - budget, clock.getAsLong() - start);
        for (int i = 0; i < chosen.size(); i++) {
            if (logits[i] == null) {
                continue;
            }
            Sequence sequence = chosen.get(i);
            prefilling.remove(sequence);
            active.add(sequence);
            sequence.tokensInContext = sequence.request.promptTokens().length;
            sequence.accept(sequence.sampler.sample(logits[i]));
        }
    }

    private void decodeStep() {
        int[] lastTokens = new int[active.size()];
        for (int row = 0; row < lastTokens.length; row++) {
            lastTokens[row] = active.get(row).lastToken;
        }
        long start = clock.getAsLong();
        float[][] logits = backend.step(lastTokens);
        metrics.batchStep(lastTokens.length, clock.getAsLong() - start);
        for (int row = 0; row < lastTokens.length; row++) {
            Sequence sequence = active.get(row);
            sequence.tokensInContext++;
            sequence.accept(sequence.sampler.sample(logits[row]));
        }
        retireStopped();
    }

    /**
     * Removes finished rows, finishes rows whose deadline passed or that were cancelled, and drops
     * unfinished prompts that were cancelled or ran out of time.
     */
    private void retireStopped() {
        for (int i = prefilling.size() - 1; i >= 0; i--) {
            Sequence sequence = prefilling.get(i);
            FinishReason reason = sequence.stopReasonBeforeStep();
            if (reason != null) {
                sequence.finish(reason);
                backend.discard(sequence.prompt);
                prefilling.remove(i);
            }
        }
        List<Integer> rows = new ArrayList<>();
        for (int row = 0; row < active.size(); row++) {
            Sequence sequence = active.get(row);
            if (!sequence.finished) {
                FinishReason reason = sequence.stopReasonBeforeStep();
                if (reason == null && sequence.tokensInContext + 1 > backend.positions()) {
                    reason = FinishReason.CONTEXT_FULL;
                }
                if (reason != null) {
                    sequence.finish(reason);
                }
            }
            if (sequence.finished) {
                rows.add(row);
            }
        }
        if (rows.isEmpty()) {
            return;
        }
        backend.remove(rows.stream().mapToInt(Integer::intValue).toArray());
        for (int i = rows.size() - 1; i >= 0; i--) {
            active.remove((int) rows.get(i));
        }
    }

    /** A model call failed: every admitted sequence fails (its state lived in the backend), and the backend starts afresh. */
    private void failAdmitted(RuntimeException error) {
        LOG.errorf(error, "generation step failed; failing %d admitted sequences and resetting the batch",
                active.size() + prefilling.size());
        for (Sequence sequence : prefilling) {
            sequence.fail(error);
        }
        prefilling.clear();
        for (Sequence sequence : active) {
            sequence.fail(error);
        }
        active.clear();
        backend.close();
        backend = backendFactory.get();
    }

    /** Stops the thread; active and waiting sequences finish as CANCELLED. */
    @Override
    public void close() {
        running = false;
        Thread thread = loopThread;
        if (thread != null) {
            thread.interrupt();
        }
        try {
            stopped.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One request's state, touched only by the scheduler thread except {@link #cancelled}. */
    private final class Sequence {
        final GenerationRequest request;
        final GenerationListener listener;
        final TokenSampler sampler;
        final long submittedNanos;
        final Utf8StreamDecoder utf8 = new Utf8StreamDecoder();
        final StopSequenceMatcher stops;
        PromptRun prompt;
        final List<Integer> unreportedTokens = new ArrayList<>();
        volatile boolean cancelled;
        boolean finished;
        int generated;
        int lastToken;
        int tokensInContext;
        long admittedNanos = -1;
        long firstTokenNanos = -1;

        Sequence(GenerationRequest request, GenerationListener listener, TokenSampler sampler, long submittedNanos) {
            this.request = request;
            this.listener = listener;
            this.sampler = sampler;
            this.submittedNanos = submittedNanos;
            this.stops = new StopSequenceMatcher(request.stopSequences());
        }

        void cancel() {
            cancelled = true;
        }

        FinishReason stopReasonBeforeStep() {
            if (cancelled) {
                return FinishReason.CANCELLED;
            }
            if (clock.getAsLong() - request.deadlineNanos() >= 0) {
                return FinishReason.DEADLINE;
            }
            return null;
        }

        /** Takes a sampled token: emits its text or finishes the sequence. */
        void accept(int token) {
            long now = clock.getAsLong();
            if (firstTokenNanos < 0) {
                firstTokenNanos = now - submittedNanos;
                metrics.firstToken(firstTokenNanos);
            }
            if (token == tokenizer.endOfTextId()) {
                finish(FinishReason.END_OF_TEXT);
                return;
            }
            generated++;
            lastToken = token;
            unreportedTokens.add(token);
            String text = stops.append(utf8.append(tokenizer.decodeBytes(new int[] {token})));
            if (!text.isEmpty()) {
                emit(text);
            }
            if (stops.stopped()) {
                finish(FinishReason.STOP_SEQUENCE);
            } else if (generated >= request.maxNewTokens()) {
                finish(FinishReason.MAX_TOKENS);
            }
        }

        void emit(String text) {
            int[] ids = unreportedTokens.stream().mapToInt(Integer::intValue).toArray();
            unreportedTokens.clear();
            try {
                listener.onText(text, ids);
            } catch (RuntimeException e) {
                LOG.debugf(e, "listener failed; cancelling its sequence");
                cancelled = true;
            }
        }

        void finish(FinishReason reason) {
            if (finished) {
                return;
            }
            finished = true;
            if (reason != FinishReason.STOP_SEQUENCE) {
                String rest = stops.append(utf8.flush()) + stops.flush();
                if (!rest.isEmpty()) {
                    emit(rest);
                }
            }
            long total = clock.getAsLong() - submittedNanos;
            GenerationSummary summary = new GenerationSummary(reason, request.promptTokens().length, generated,
                    admittedNanos, firstTokenNanos, total);
            metrics.finished(summary);
            try {
                listener.onFinish(summary);
            } catch (RuntimeException e) {
                LOG.debugf(e, "listener failed in onFinish");
            }
        }

        void fail(RuntimeException error) {
            if (finished) {
                return;
            }
            finished = true;
            metrics.finished(new GenerationSummary(FinishReason.FAILED, request.promptTokens().length, generated,
                    admittedNanos, firstTokenNanos, clock.getAsLong() - submittedNanos));
            try {
                listener.onError(error);
            } catch (RuntimeException e) {
                LOG.debugf(e, "listener failed in onError");
            }
        }
    }
}
