package io.boxoffice.booking.assistant;

import static io.boxoffice.booking.testing.GrpcClients.fails;
import static org.assertj.core.api.Assertions.assertThat;

import io.boxoffice.booking.testing.GrpcClients;
import io.boxoffice.booking.testing.ShortHoldsProfile;
import io.boxoffice.proto.v1.AskRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A node without {@code boxoffice.assistant.address}: Ask says so instead of failing obscurely. */
@QuarkusTest
@TestProfile(ShortHoldsProfile.class)
@Tag("quarkus")
class AssistantNotConfiguredTest {

    @Test
    void when_no_llm_service_is_configured_then_ask_is_unavailable_and_says_how_to_configure_it() {
        io.boxoffice.booking.testing.DemoDataReady.await();
        StatusRuntimeException error = fails(Status.Code.UNAVAILABLE, () -> GrpcClients.assistant(GrpcClients
                .token("user1", "password1")).ask(AskRequest.newBuilder().setQuestion("hi").build()).hasNext());

        assertThat(error.getStatus().getDescription()).isEqualTo("the assistant is not available: this node has no "
                + "llm-service configured (boxoffice.assistant.address); bookings work as usual");
    }
}
