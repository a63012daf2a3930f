package io.boxoffice.llm.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.boxoffice.proto.assistant.v1.AnswerMode;
import io.boxoffice.proto.assistant.v1.AskChunk;
import io.boxoffice.proto.assistant.v1.FinishReason;
import io.boxoffice.proto.assistant.v1.GenerateRequest;
import io.grpc.ManagedChannel;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Without model files the service is ready, says facts-only, and still answers from facts. */
@QuarkusTest
@TestProfile(FactsOnlyModeTest.NoModel.class)
class FactsOnlyModeTest {

    public static class NoModel implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("boxoffice.llm.model-dir", Path.of("target", "no-model-here").toAbsolutePath().toString());
        }
    }

    @TestHTTPResource("/")
    URL root;

    @Test
    void readiness_is_up_and_declares_facts_only_mode() {
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'llm-model' }.data.mode", equalTo("facts-only"))
                .body("checks.find { it.name == 'llm-model' }.data.detail", containsString("fetch-model.sh"));
    }

    @Test
    void ask_answers_from_facts_and_says_the_model_is_not_loaded() {
        ManagedChannel channel = GrpcClients.channel(root.getPort());
        try {
            List<AskChunk> chunks = GrpcClients.ask(channel, GrpcClients.ask("Which seats do I have for Dune: Part Two?"));
            assertThat(chunks).hasSize(2);
            assertThat(chunks.get(0).getAnswer().getMode()).isEqualTo(AnswerMode.ANSWER_MODE_FACTS_ONLY_MODEL_NOT_LOADED);
            assertThat(chunks.get(0).getAnswer().getText()).contains("seats F7, F8");
            assertThat(chunks.get(1).getDone().getFinishReason()).isEqualTo(FinishReason.FINISH_REASON_NOT_GENERATED);
            String note = chunks.get(1).getDone().getNote();
            assertThat(note).startsWith("The language model is not loaded, so this answer comes from the facts only: no model files in")
                    .contains("fetch-model.sh");
            String all = chunks.get(0).getAnswer().getText() + "\n" + note;
            assertThat(all.split("not loaded", -1)).as("'not loaded' is said once").hasSize(2);
            assertThatThrownBy(() -> GrpcClients.drain(GrpcClients.stub(channel).generate(GenerateRequest.newBuilder().setPrompt("hi").build())))
                    .hasMessageContaining("FAILED_PRECONDITION: no language model is loaded");
        } finally {
            channel.shutdownNow();
        }
    }
}
