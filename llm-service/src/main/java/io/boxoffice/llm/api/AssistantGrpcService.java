package io.boxoffice.llm.api;

import io.boxoffice.llm.assistant.FactAnswerer;
import io.boxoffice.llm.assistant.Facts;
import io.boxoffice.llm.assistant.FactualAnswer;
import io.boxoffice.llm.assistant.GroundingGuard;
import io.boxoffice.llm.assistant.PolicyLibrary;
import io.boxoffice.llm.assistant.PromptBuilder;
import io.boxoffice.llm.config.LlmConfig;
import io.boxoffice.llm.generation.GenerationHandle;
import io.boxoffice.llm.generation.GenerationListener;
import io.boxoffice.llm.generation.GenerationRequest;
import io.boxoffice.llm.generation.GenerationSummary;
import io.boxoffice.llm.generation.QueueFullException;
import io.boxoffice.llm.generation.SamplingParams;
import io.boxoffice.llm.metrics.MicrometerGenerationMetrics;
import io.boxoffice.llm.runtime.ModelService;
import io.boxoffice.proto.assistant.v1.AnswerMode;
import io.boxoffice.proto.assistant.v1.AskChunk;
import io.boxoffice.proto.assistant.v1.AskDone;
import io.boxoffice.proto.assistant.v1.AskRequest;
import io.boxoffice.proto.assistant.v1.AssistantGrpc;
import io.boxoffice.proto.assistant.v1.FinishReason;
import io.boxoffice.proto.assistant.v1.GenerateChunk;
import io.boxoffice.proto.assistant.v1.GenerateRequest;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The gRPC surface: validates and translates requests, sends the factual answer, and streams
 * model output from the scheduler. Answers are built in {@link FactAnswerer}; this class only
 * wires them to the wire.
 */
@GrpcService
public class AssistantGrpcService extends AssistantGrpc.AssistantImplBase {

    static final String ACTION_PROPOSED_NOTE = "An action is proposed and nothing has been changed: it happens only if"
            + " you confirm it in your client, which then sends it to the booking service as you.";

    private final PolicyLibrary policies = PolicyLibrary.loadDefault();

    @Inject
    LlmConfig config;

    @Inject
    ModelService models;

    @Inject
    MicrometerGenerationMetrics metrics;

    @Override
    public void ask(AskRequest request, StreamObserver<AskChunk> responses) {
        long start = System.nanoTime();
        StreamObserver<AskChunk> observed = timed("ask", start, responses);
        try {
            String question = validQuestion(request.getQuestion());
            Instant now = ProtoMapping.instant("now", request.hasNow(), request.getNow());
            ZoneId zone = ProtoMapping.zone(request.getTimeZone());
            Facts facts = ProtoMapping.facts(request.getFacts(), config.assistant().factsItemsMax());
            int maxNewTokens = bounded("max_new_tokens", request.getMaxNewTokens(), config.assistant().maxNewTokensDefault(),
                    config.generation().maxNewTokensMax());
            int deadlineMillis = bounded("deadline_millis", request.getDeadlineMillis(), config.generation().deadlineMillisDefault(),
                    config.generation().deadlineMillisMax());

            FactualAnswer answer = new FactAnswerer(policies, config.assistant().passagesMax()).answer(question, facts, now, zone);
            var loaded = models.loaded();
            AnswerMode mode = request.getFactsOnly() ? AnswerMode.ANSWER_MODE_FACTS_ONLY_REQUESTED
                    : loaded.isEmpty() ? AnswerMode.ANSWER_MODE_FACTS_ONLY_MODEL_NOT_LOADED : AnswerMode.ANSWER_MODE_FACTS_AND_MODEL;
            observed.onNext(AskChunk.newBuilder().setAnswer(ProtoMapping.answer(answer, mode)).build());
            if (answer.proposedAction().isPresent()) {
                // An action request gets its proposal and nothing else: model text beside it could only confuse
                // what will happen, and the model never takes part in an action.
                finishWithoutModel(observed, ACTION_PROPOSED_NOTE);
                return;
            }
            if (mode != AnswerMode.ANSWER_MODE_FACTS_AND_MODEL) {
                finishWithoutModel(observed, mode == AnswerMode.ANSWER_MODE_FACTS_ONLY_REQUESTED ? "facts only, as requested"
                        : "The language model is not loaded, so this answer comes from the facts only: " + models.unavailableReason());
                return;
            }
            ModelService.Loaded model = loaded.get();
            int promptTokensMax = model.model().config().positions() - maxNewTokens;
            PromptBuilder.Prompt prompt = PromptBuilder.build(question, answer, model.tokenizer(), promptTokensMax);
            GroundingGuard guard = new GroundingGuard(prompt.text());
            GenerationRequest generation = new GenerationRequest(prompt.tokens(), SamplingParams.greedy(), maxNewTokens,
                    List.of("\nCustomer:", "\n\n"), deadlineNanos(deadlineMillis));
            submit(model, generation, new AskListener(observed, guard));
        } catch (InvalidRequestException e) {
            metrics.rejected("invalid_argument");
            observed.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
        }
    }

    private static void finishWithoutModel(StreamObserver<AskChunk> observed, String note) {
        observed.onNext(AskChunk.newBuilder().setDone(AskDone.newBuilder()
                .setFinishReason(FinishReason.FINISH_REASON_NOT_GENERATED).setNote(note)).build());
        observed.onCompleted();
    }

    @Override
    public void generate(GenerateRequest request, StreamObserver<GenerateChunk> responses) {
        long start = System.nanoTime();
        StreamObserver<GenerateChunk> observed = timed("generate", start, responses);
        try {
            String prompt = request.getPrompt();
            if (prompt.isEmpty()) {
                throw new InvalidRequestException("prompt must not be empty");
            }
            if (prompt.length() > config.generation().promptCharsMax()) {
                throw new InvalidRequestException("prompt is " + prompt.length() + " characters; the maximum is "
                        + config.generation().promptCharsMax());
            }
            SamplingParams sampling = ProtoMapping.sampling(request.getSampling());
            List<String> stops = validStops(request.getStopList());
            int maxNewTokens = bounded("max_new_tokens", request.getMaxNewTokens(), config.generation().maxNewTokensDefault(),
                    config.generation().maxNewTokensMax());
            int deadlineMillis = bounded("deadline_millis", request.getDeadlineMillis(), config.generation().deadlineMillisDefault(),
                    config.generation().deadlineMillisMax());
            var loaded = models.loaded();
            if (loaded.isEmpty()) {
                observed.onError(Status.FAILED_PRECONDITION.withDescription("no language model is loaded (" + models.state()
                        + "): " + models.detail()).asRuntimeException());
                return;
            }
            int[] tokens = loaded.get().tokenizer().encode(prompt);
            int positions = loaded.get().model().config().positions();
            if (tokens.length >= positions) {
                throw new InvalidRequestException("prompt is " + tokens.length + " tokens; the model's context holds "
                        + positions + ", including the generated tokens");
            }
            GenerationRequest generation = new GenerationRequest(tokens, sampling, maxNewTokens, stops, deadlineNanos(deadlineMillis));
            submit(loaded.get(), generation, new GenerateListener(observed, tokens.length));
        } catch (InvalidRequestException e) {
            metrics.rejected("invalid_argument");
            observed.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
        }
    }

    private void submit(ModelService.Loaded model, GenerationRequest generation, GenerationListener listener) {
        Context context = Context.current();
        try {
            GenerationHandle handle = model.scheduler().submit(generation, listener);
            context.addListener(cancelled -> handle.cancel(), Runnable::run);
        } catch (QueueFullException e) {
            listener.onError(Status.RESOURCE_EXHAUSTED.withDescription(e.getMessage()).asRuntimeException());
        }
    }

    /** The request's deadline, or the gRPC deadline when that is sooner. */
    private static long deadlineNanos(int deadlineMillis) {
        long requested = TimeUnit.MILLISECONDS.toNanos(deadlineMillis);
        var grpcDeadline = Context.current().getDeadline();
        if (grpcDeadline != null) {
            requested = Math.min(requested, grpcDeadline.timeRemaining(TimeUnit.NANOSECONDS));
        }
        return System.nanoTime() + requested;
    }

    private String validQuestion(String question) {
        if (question.isBlank()) {
            throw new InvalidRequestException("question must not be empty");
        }
        if (question.length() > config.assistant().questionCharsMax()) {
            throw new InvalidRequestException("question is " + question.length() + " characters; the maximum is "
                    + config.assistant().questionCharsMax());
        }
        return question.strip();
    }

    private List<String> validStops(List<String> stops) {
        if (stops.size() > config.generation().stopSequencesMax()) {
            throw new InvalidRequestException("at most " + config.generation().stopSequencesMax() + " stop sequences, got " + stops.size());
        }
        for (String stop : stops) {
            if (stop.isEmpty() || stop.length() > config.generation().stopSequenceCharsMax()) {
                throw new InvalidRequestException("each stop sequence must have 1.." + config.generation().stopSequenceCharsMax() + " characters");
            }
        }
        return stops;
    }

    private static int bounded(String field, int requested, int defaultValue, int max) {
        if (requested < 0) {
            throw new InvalidRequestException(field + " must not be negative");
        }
        return requested == 0 ? defaultValue : Math.min(requested, max);
    }

    /** Wraps a response observer to record the call's latency and final status. */
    private <T> StreamObserver<T> timed(String method, long start, StreamObserver<T> delegate) {
        return new StreamObserver<>() {
            @Override
            public void onNext(T value) {
                delegate.onNext(value);
            }

            @Override
            public void onError(Throwable error) {
                metrics.request(method, Status.fromThrowable(error).getCode().name(), System.nanoTime() - start);
                delegate.onError(error);
            }

            @Override
            public void onCompleted() {
                metrics.request(method, "OK", System.nanoTime() - start);
                delegate.onCompleted();
            }
        };
    }

    /** Streams guarded model sentences after the factual answer. Called on the scheduler thread. */
    private final class AskListener implements GenerationListener {
        private final StreamObserver<AskChunk> responses;
        private final GroundingGuard guard;

        AskListener(StreamObserver<AskChunk> responses, GroundingGuard guard) {
            this.responses = responses;
            this.guard = guard;
        }

        @Override
        public void onText(String text, int[] tokenIds) {
            send(guard.accept(text));
        }

        @Override
        public void onFinish(GenerationSummary summary) {
            send(guard.flush());
            metrics.withheldSentences(guard.withheld());
            responses.onNext(AskChunk.newBuilder().setDone(AskDone.newBuilder()
                    .setFinishReason(ProtoMapping.finishReason(summary.reason()))
                    .setGeneratedTokens(summary.generatedTokens())
                    .setWithheldSentences(guard.withheld())
                    .setNote("generated_text is written by a small language model from the facts above; the factual answer is authoritative"))
                    .build());
            responses.onCompleted();
        }

        @Override
        public void onError(RuntimeException error) {
            responses.onError(error instanceof io.grpc.StatusRuntimeException ? error
                    : Status.INTERNAL.withDescription("generation failed: " + error.getMessage()).withCause(error).asRuntimeException());
        }

        private void send(List<String> sentences) {
            for (String sentence : sentences) {
                responses.onNext(AskChunk.newBuilder().setGeneratedText(sentence).build());
            }
        }
    }

    private static final class GenerateListener implements GenerationListener {
        private final StreamObserver<GenerateChunk> responses;
        private final int promptTokens;

        GenerateListener(StreamObserver<GenerateChunk> responses, int promptTokens) {
            this.responses = responses;
            this.promptTokens = promptTokens;
        }

        @Override
        public void onText(String text, int[] tokenIds) {
            GenerateChunk.Builder chunk = GenerateChunk.newBuilder().setText(text);
            for (int id : tokenIds) {
                chunk.addTokenIds(id);
            }
            responses.onNext(chunk.build());
        }

        @Override
        public void onFinish(GenerationSummary summary) {
            responses.onNext(GenerateChunk.newBuilder().setFinishReason(ProtoMapping.finishReason(summary.reason()))
                    .setPromptTokens(promptTokens).setGeneratedTokens(summary.generatedTokens()).build());
            responses.onCompleted();
        }

        @Override
        public void onError(RuntimeException error) {
            responses.onError(error instanceof io.grpc.StatusRuntimeException ? error
                    : Status.INTERNAL.withDescription("generation failed: " + error.getMessage()).withCause(error).asRuntimeException());
        }
    }
}
