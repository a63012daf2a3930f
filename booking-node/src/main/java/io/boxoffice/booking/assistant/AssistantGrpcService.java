package io.boxoffice.booking.assistant;

import io.boxoffice.booking.api.Calls;
import io.boxoffice.booking.api.GrpcErrors;
import io.boxoffice.booking.api.RequestValidator;
import io.boxoffice.booking.app.BookingQueries;
import io.boxoffice.booking.app.CommandGateway;
import io.boxoffice.booking.auth.Caller;
import io.boxoffice.booking.cluster.ClusterNode;
import io.boxoffice.booking.config.BoxofficeConfig;
import io.boxoffice.booking.domain.BookingLimits;
import io.boxoffice.booking.metrics.BoxofficeMetrics;
import io.boxoffice.proto.assistant.v1.AnswerMode;
import io.boxoffice.proto.assistant.v1.Facts;
import io.boxoffice.proto.v1.AskAnswer;
import io.boxoffice.proto.v1.AskChunk;
import io.boxoffice.proto.v1.AskCitation;
import io.boxoffice.proto.v1.AskDone;
import io.boxoffice.proto.v1.AskRequest;
import io.boxoffice.proto.v1.AssistantServiceGrpc;
import io.boxoffice.raft.server.ReadConsistency;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import jakarta.inject.Inject;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code boxoffice.v1.AssistantService}: gathers the caller's facts from the booking state and relays
 * llm-service's streamed answer, including at most one proposed action, which neither service performs:
 * the client asks the user and sends it through BookingService with the user's own token. The facts come from a linearizable read on the leader and from this
 * node's applied state elsewhere (an answer may lag a booking made milliseconds earlier on another node).
 */
@GrpcService
public class AssistantGrpcService extends AssistantServiceGrpc.AssistantServiceImplBase {

    @Inject
    RequestValidator validator;
    @Inject
    CommandGateway gateway;
    @Inject
    BookingQueries queries;
    @Inject
    ClusterNode node;
    @Inject
    AssistantClient client;
    @Inject
    BoxofficeConfig config;
    @Inject
    BoxofficeMetrics metrics;
    @Inject
    BookingLimits limits;

    @Override
    public void ask(AskRequest request, StreamObserver<AskChunk> observer) {
        long start = System.nanoTime();
        Caller caller = Calls.caller();
        try {
            validator.ask(request);
        } catch (RuntimeException e) {
            observer.onError(GrpcErrors.toStatus(e));
            return;
        }
        if (!client.configured()) {
            metrics.assistant("unavailable", System.nanoTime() - start);
            observer.onError(Status.UNAVAILABLE.withDescription("the assistant is not available: this node has no "
                    + "llm-service configured (boxoffice.assistant.address); bookings work as usual").asRuntimeException());
            return;
        }
        // The cancel handler may only be set now, during the initial call; it cancels the upstream call once open.
        AtomicReference<ClientCallStreamObserver<?>> upstream = new AtomicReference<>();
        if (observer instanceof ServerCallStreamObserver<AskChunk> serverCall) {
            serverCall.setOnCancelHandler(() -> {
                ClientCallStreamObserver<?> call = upstream.get();
                if (call != null) {
                    call.cancel("client cancelled", null);
                }
            });
        }
        long nowMillis = System.currentTimeMillis();
        ReadConsistency consistency = node.isLeader() ? ReadConsistency.LINEARIZABLE : ReadConsistency.STALE;
        gateway.read(() -> FactsMapper.gather(queries, caller.userId(), caller.username(), nowMillis, request.getQuestion(),
                        limits), consistency)
                .whenComplete((facts, failure) -> {
                    if (failure != null) {
                        metrics.assistant("error", System.nanoTime() - start);
                        observer.onError(GrpcErrors.toStatus(failure));
                        return;
                    }
                    try {
                        relay(request, facts, nowMillis, observer, upstream, start);
                    } catch (RuntimeException e) {
                        metrics.assistant("error", System.nanoTime() - start);
                        observer.onError(GrpcErrors.toStatus(e));
                    }
                });
    }

    private void relay(AskRequest request, Facts facts, long nowMillis, StreamObserver<AskChunk> observer,
                       AtomicReference<ClientCallStreamObserver<?>> upstreamCall, long start) {
        ServerCallStreamObserver<AskChunk> serverCall = observer instanceof ServerCallStreamObserver<AskChunk> s
                ? s : null;
        io.boxoffice.proto.assistant.v1.AskRequest upstream = io.boxoffice.proto.assistant.v1.AskRequest.newBuilder()
                .setQuestion(request.getQuestion()).setFacts(facts).setNow(FactsMapper.timestamp(nowMillis))
                .setTimeZone(request.getTimeZone()).setFactsOnly(request.getFactsOnly())
                .setMaxNewTokens(config.assistant().maxNewTokens())
                .setDeadlineMillis((int) Math.min(Integer.MAX_VALUE, config.assistant().timeoutMillis())).build();
        client.ask(upstream, new ClientResponseObserver<io.boxoffice.proto.assistant.v1.AskRequest,
                io.boxoffice.proto.assistant.v1.AskChunk>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<io.boxoffice.proto.assistant.v1.AskRequest> call) {
                upstreamCall.set(call);
            }

            @Override
            public void onNext(io.boxoffice.proto.assistant.v1.AskChunk chunk) {
                if (serverCall == null || !serverCall.isCancelled()) {
                    observer.onNext(translate(chunk, facts));
                }
            }

            @Override
            public void onError(Throwable error) {
                metrics.assistant("error", System.nanoTime() - start);
                if (serverCall == null || !serverCall.isCancelled()) {
                    observer.onError(upstreamError(error));
                }
            }

            @Override
            public void onCompleted() {
                metrics.assistant("ok", System.nanoTime() - start);
                if (serverCall == null || !serverCall.isCancelled()) {
                    observer.onCompleted();
                }
            }
        });
    }

    private StatusRuntimeException upstreamError(Throwable error) {
        return upstreamError(error, client.address(), config.assistant().timeoutMillis());
    }

    /**
     * What the client gets when llm-service's stream failed: unreachable, or a connection that broke off mid-answer
     * (see {@link GrpcErrors#connectionLost}), is UNAVAILABLE ("try again"); a timeout is DEADLINE_EXCEEDED; any
     * other answer of llm-service keeps its code, with its message.
     */
    static StatusRuntimeException upstreamError(Throwable error, String address, long timeoutMillis) {
        Status status = Status.fromThrowable(error);
        if (status.getCode() == Status.Code.UNAVAILABLE || GrpcErrors.connectionLost(status)) {
            return Status.UNAVAILABLE.withDescription("the assistant service at " + address + " is unreachable or "
                    + "broke off (" + status.getCode() + " " + status.getDescription() + "); bookings work as usual, "
                    + "try the assistant again later").asRuntimeException();
        }
        if (status.getCode() == Status.Code.DEADLINE_EXCEEDED) {
            return Status.DEADLINE_EXCEEDED.withDescription("the assistant did not answer within " + timeoutMillis
                    + " ms").asRuntimeException();
        }
        return status.withDescription("assistant: " + status.getDescription()).asRuntimeException();
    }

    /** One chunk of llm-service's stream in the public API; a proposed action is checked against {@code facts}. */
    static AskChunk translate(io.boxoffice.proto.assistant.v1.AskChunk chunk, Facts facts) {
        return switch (chunk.getChunkCase()) {
            case ANSWER -> {
                var answer = chunk.getAnswer();
                AskAnswer.Builder out = AskAnswer.newBuilder().setText(answer.getText())
                        .setFactsOnly(answer.getMode() != AnswerMode.ANSWER_MODE_FACTS_AND_MODEL)
                        .setOutsideFacts(answer.getOutsideFacts());
                answer.getCitationsList().forEach(citation -> out.addCitations(AskCitation.newBuilder()
                        .setSource(citation.getSource()).setTitle(citation.getTitle())));
                if (answer.hasProposedAction()) {
                    ProposedActions.toPublic(answer.getProposedAction(), facts).ifPresent(out::setProposedAction);
                }
                yield AskChunk.newBuilder().setAnswer(out).build();
            }
            case GENERATED_TEXT -> AskChunk.newBuilder().setGeneratedText(chunk.getGeneratedText()).build();
            case DONE -> AskChunk.newBuilder().setDone(AskDone.newBuilder()
                    .setFinishReason(chunk.getDone().getFinishReason().name().replace("FINISH_REASON_", "")
                            .toLowerCase(Locale.ROOT))
                    .setGeneratedTokens(chunk.getDone().getGeneratedTokens())
                    .setNote(chunk.getDone().getNote())).build();
            case CHUNK_NOT_SET -> AskChunk.getDefaultInstance();
        };
    }
}
