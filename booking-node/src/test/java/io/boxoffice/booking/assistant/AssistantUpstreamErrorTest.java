package io.boxoffice.booking.assistant;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.Test;

/** What an Ask client gets when llm-service's stream fails: a status that says whether trying again helps. */
class AssistantUpstreamErrorTest {

    @Test
    void when_llm_service_breaks_off_mid_answer_then_the_client_gets_unavailable_not_unknown() {
        StatusRuntimeException closed = AssistantGrpcService.upstreamError(Status.UNKNOWN
                .withDescription("channel closed").asRuntimeException(), "llm:8190", 30_000);
        StatusRuntimeException reset = AssistantGrpcService.upstreamError(Status.INTERNAL
                .withDescription("RST_STREAM closed stream. HTTP/2 error code: INTERNAL_ERROR").asRuntimeException(),
                "llm:8190", 30_000);

        assertThat(closed.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(closed.getStatus().getDescription()).startsWith("the assistant service at llm:8190 is unreachable "
                + "or broke off (UNKNOWN channel closed)").endsWith("try the assistant again later");
        assertThat(reset.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    }

    @Test
    void a_timeout_is_deadline_exceeded_and_llm_services_own_answers_keep_their_code() {
        StatusRuntimeException late = AssistantGrpcService.upstreamError(Status.DEADLINE_EXCEEDED.asRuntimeException(),
                "llm:8190", 30_000);
        StatusRuntimeException refused = AssistantGrpcService.upstreamError(Status.INVALID_ARGUMENT
                .withDescription("question too long").asRuntimeException(), "llm:8190", 30_000);

        assertThat(late.getStatus().getDescription()).isEqualTo("the assistant did not answer within 30000 ms");
        assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(refused.getStatus().getDescription()).isEqualTo("assistant: question too long");
    }
}
