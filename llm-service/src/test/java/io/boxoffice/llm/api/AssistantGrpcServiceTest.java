package io.boxoffice.llm.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.boxoffice.proto.assistant.v1.AnswerMode;
import io.boxoffice.proto.assistant.v1.AskChunk;
import io.boxoffice.proto.assistant.v1.AssistantGrpc;
import io.boxoffice.proto.assistant.v1.FinishReason;
import io.boxoffice.proto.assistant.v1.GenerateChunk;
import io.boxoffice.proto.assistant.v1.GenerateRequest;
import io.boxoffice.proto.assistant.v1.SamplingParams;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(RandomModelDirectory.class)
class AssistantGrpcServiceTest {

    @TestHTTPResource("/")
    URL root;

    ManagedChannel channel;

    @BeforeEach
    void connectWhenReady() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (given().get("/q/health/ready").statusCode() != 200 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        channel = GrpcClients.channel(root.getPort());
    }

    @AfterEach
    void disconnect() {
        channel.shutdownNow();
    }

    @Test
    void readiness_reports_the_loaded_model() {
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'llm-model' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'llm-model' }.data.state", equalTo("READY"))
                .body("checks.find { it.name == 'llm-model' }.data.mode", equalTo("model"));
        given().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void ask_streams_the_factual_answer_first_then_guarded_model_text_then_done() {
        List<AskChunk> chunks = GrpcClients.ask(channel, GrpcClients.ask("What refund would I get for booking B-1001?"));
        assertThat(chunks.get(0).hasAnswer()).isTrue();
        assertThat(chunks.get(0).getAnswer().hasProposedAction()).isFalse();
        assertThat(chunks.get(0).getAnswer().getText()).contains("full refund of EUR 24.00 until Tue 24 Nov 2026 19:00 UTC");
        assertThat(chunks.get(0).getAnswer().getMode()).isEqualTo(AnswerMode.ANSWER_MODE_FACTS_AND_MODEL);
        assertThat(chunks.get(0).getAnswer().getIntentsList()).contains("CANCEL_OR_REFUND");
        AskChunk last = chunks.get(chunks.size() - 1);
        assertThat(last.hasDone()).isTrue();
        assertThat(last.getDone().getGeneratedTokens()).isBetween(1, 12);
        assertThat(chunks.subList(1, chunks.size() - 1)).allMatch(AskChunk::hasGeneratedText);
    }

    @Test
    void an_action_request_gets_one_proposal_and_no_model_text() {
        List<AskChunk> chunks = GrpcClients.ask(channel, GrpcClients.ask("Please cancel my Dune: Part Two booking"));
        assertThat(chunks).hasSize(2);
        var proposal = chunks.get(0).getAnswer().getProposedAction();
        assertThat(proposal.getCancelBooking().getBookingId()).isEqualTo("B-1001");
        assertThat(proposal.getCancelBooking().getRefund().getAmountMinor()).isEqualTo(2400);
        assertThat(proposal.getCancelBooking().getFullRefundUntil()).isEqualTo(GrpcClients.at("2026-11-24T19:00:00Z"));
        assertThat(proposal.getSummary()).startsWith("Cancel booking B-1001 (Dune: Part Two")
                .contains("you get a full refund of EUR 24.00");
        assertThat(chunks.get(1).getDone().getFinishReason()).isEqualTo(FinishReason.FINISH_REASON_NOT_GENERATED);
        assertThat(chunks.get(1).getDone().getNote()).isEqualTo(AssistantGrpcService.ACTION_PROPOSED_NOTE);
    }

    @Test
    void a_negative_refund_window_in_the_facts_is_invalid_argument() {
        var request = GrpcClients.ask("hi").toBuilder();
        request.getFactsBuilder().getPolicyBuilder().setFullRefundBeforeShowMillis(-1);
        assertThatThrownBy(() -> GrpcClients.ask(channel, request.build()))
                .hasMessageContaining("INVALID_ARGUMENT: facts.policy.full_refund_before_show_millis must not be negative");
    }

    @Test
    void ask_with_facts_only_skips_the_model() {
        List<AskChunk> chunks = GrpcClients.ask(channel, GrpcClients.ask("When does my hold expire?").toBuilder().setFactsOnly(true).build());
        assertThat(chunks).hasSize(2);
        assertThat(chunks.get(0).getAnswer().getText()).contains("expires at Tue 24 Nov 2026 18:07:30 UTC, in 7 minutes 30 seconds");
        assertThat(chunks.get(1).getDone().getFinishReason()).isEqualTo(FinishReason.FINISH_REASON_NOT_GENERATED);
    }

    @Test
    void empty_and_oversized_questions_are_invalid_argument() {
        assertThatThrownBy(() -> GrpcClients.ask(channel, GrpcClients.ask("   ")))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).isEqualTo("question must not be empty");
                });
        assertThatThrownBy(() -> GrpcClients.ask(channel, GrpcClients.ask("x".repeat(1001))))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).isEqualTo("question is 1001 characters; the maximum is 1000");
                });
        assertThatThrownBy(() -> GrpcClients.ask(channel, GrpcClients.ask("hi").toBuilder().clearNow().build()))
                .hasMessageContaining("INVALID_ARGUMENT: now is required");
    }

    @Test
    void generate_streams_exactly_max_new_tokens_and_is_reproducible_with_a_seed() {
        GenerateRequest request = GenerateRequest.newBuilder().setPrompt("The cinema opens at")
                .setSampling(SamplingParams.newBuilder().setTemperature(0.9f).setTopK(40).setTopP(0.95f).setSeed(7))
                .setMaxNewTokens(9).build();
        List<GenerateChunk> first = GrpcClients.drain(GrpcClients.stub(channel).generate(request));
        List<GenerateChunk> second = GrpcClients.drain(GrpcClients.stub(channel).generate(request));
        GenerateChunk done = first.get(first.size() - 1);
        assertThat(done.getPromptTokens()).isEqualTo(4);
        if (done.getFinishReason() == FinishReason.FINISH_REASON_MAX_TOKENS) {
            assertThat(done.getGeneratedTokens()).isEqualTo(9);
        } else {
            assertThat(done.getFinishReason()).isEqualTo(FinishReason.FINISH_REASON_END_OF_TEXT);
        }
        assertThat(first.stream().mapToInt(GenerateChunk::getTokenIdsCount).sum()).isEqualTo(done.getGeneratedTokens());
        assertThat(second).isEqualTo(first);
    }

    @Test
    void generate_refuses_bad_sampling_values() {
        GenerateRequest request = GenerateRequest.newBuilder().setPrompt("x")
                .setSampling(SamplingParams.newBuilder().setTopP(2f)).build();
        assertThatThrownBy(() -> GrpcClients.drain(GrpcClients.stub(channel).generate(request)))
                .hasMessageContaining("INVALID_ARGUMENT: sampling: top_p must be within 0..1");
    }

    @Test
    void reflection_lists_the_assistant_service() throws Exception {
        CompletableFuture<ServerReflectionResponse> response = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel).serverReflectionInfo(new StreamObserver<>() {
            @Override
            public void onNext(ServerReflectionResponse value) {
                response.complete(value);
            }

            @Override
            public void onError(Throwable t) {
                response.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {}
        });
        requests.onNext(ServerReflectionRequest.newBuilder().setListServices("*").build());
        requests.onCompleted();
        assertThat(response.get(30, TimeUnit.SECONDS).getListServicesResponse().getServiceList())
                .anySatisfy(s -> assertThat(s.getName()).isEqualTo("boxoffice.assistant.v1.Assistant"));
    }

    @Test
    void a_client_cancelling_the_stream_stops_its_generation() throws Exception {
        String cancelled = "boxoffice_llm_generation_duration_seconds_count{reason=\"cancelled\"}";
        double before = metricValue(cancelled);
        CompletableFuture<Void> firstChunk = new CompletableFuture<>();
        io.grpc.Context.CancellableContext context = io.grpc.Context.current().withCancellation();
        context.run(() -> AssistantGrpc.newStub(channel).generate(GenerateRequest.newBuilder().setPrompt("Once upon a time")
                .setMaxNewTokens(256).setSampling(SamplingParams.newBuilder().setTemperature(1f).setSeed(1)).build(),
                new StreamObserver<>() {
                    @Override
                    public void onNext(GenerateChunk value) {
                        firstChunk.complete(null);
                    }

                    @Override
                    public void onError(Throwable t) {}

                    @Override
                    public void onCompleted() {}
                }));
        firstChunk.get(30, TimeUnit.SECONDS);
        context.cancel(null);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (metricValue(cancelled) <= before && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(metricValue(cancelled)).isGreaterThan(before);
    }

    private static double metricValue(String series) {
        for (String line : given().get("/q/metrics").asString().split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        return 0;
    }

    @Test
    void metrics_export_latency_first_token_queue_and_rejections() {
        GrpcClients.ask(channel, GrpcClients.ask("How many seats are left for Dune: Part Two?"));
        assertThatThrownBy(() -> GrpcClients.ask(channel, GrpcClients.ask("")));
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("boxoffice_llm_request_duration_seconds_count{method=\"ask\",status=\"OK\"}"))
                .body(containsString("boxoffice_llm_time_to_first_token_seconds_count"))
                .body(containsString("boxoffice_llm_decode_tokens_per_second"))
                .body(containsString("boxoffice_llm_queue_depth"))
                .body(containsString("boxoffice_llm_active_sequences"))
                .body(containsString("boxoffice_llm_requests_rejected_total{reason=\"invalid_argument\"}"))
                .body(containsString("boxoffice_llm_model_loaded 1.0"));
    }
}
