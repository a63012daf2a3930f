package io.boxoffice.booking.testing;

import io.boxoffice.proto.assistant.v1.AnswerMode;
import io.boxoffice.proto.assistant.v1.AskChunk;
import io.boxoffice.proto.assistant.v1.AskDone;
import io.boxoffice.proto.assistant.v1.AskRequest;
import io.boxoffice.proto.assistant.v1.AssistantGrpc;
import io.boxoffice.proto.assistant.v1.FactualAnswer;
import io.boxoffice.proto.assistant.v1.FinishReason;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Stands in for llm-service: answers from the facts it receives (so a test can check which facts the node
 * sent) and streams one model delta. Can be stopped to test an unreachable service.
 */
public final class FakeLlmService {

    private final int port;
    private Server server;
    /** The last request received, for assertions. */
    public final AtomicReference<AskRequest> lastRequest = new AtomicReference<>();
    /** When set, answers instead of the default echo of the facts (a test resets it to null). */
    public volatile Function<AskRequest, List<AskChunk>> responder;

    public FakeLlmService(int port) {
        this.port = port;
    }

    public int port() {
        return port;
    }

    public synchronized void start() {
        try {
            server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
                    .addService(new AssistantGrpc.AssistantImplBase() {
                        @Override
                        public void ask(AskRequest request, StreamObserver<AskChunk> responses) {
                            lastRequest.set(request);
                            Function<AskRequest, List<AskChunk>> custom = responder;
                            if (custom != null) {
                                custom.apply(request).forEach(responses::onNext);
                                responses.onCompleted();
                                return;
                            }
                            responses.onNext(AskChunk.newBuilder().setAnswer(FactualAnswer.newBuilder()
                                    .setText(request.getFacts().getUserName() + " has "
                                            + request.getFacts().getBookingsCount() + " booking(s) and "
                                            + request.getFacts().getHoldsCount() + " hold(s)")
                                    .setMode(AnswerMode.ANSWER_MODE_FACTS_AND_MODEL)).build());
                            responses.onNext(AskChunk.newBuilder().setGeneratedText("Enjoy the show!").build());
                            responses.onNext(AskChunk.newBuilder().setDone(AskDone.newBuilder()
                                    .setFinishReason(FinishReason.FINISH_REASON_END_OF_TEXT).setGeneratedTokens(4))
                                    .build());
                            responses.onCompleted();
                        }
                    }).build().start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public synchronized void stop() {
        if (server != null) {
            server.shutdownNow();
            try {
                server.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            server = null;
        }
    }
}
