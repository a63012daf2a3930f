package io.boxoffice.booking.api;

import io.boxoffice.booking.errors.RejectedCommand;
import static org.assertj.core.api.Assertions.assertThat;

import io.boxoffice.proto.replicated.v1.RejectionCode;
import io.boxoffice.proto.replicated.v1.RejectionRecord;
import io.boxoffice.raft.errors.NotLeaderException;
import io.boxoffice.raft.errors.ProposalDroppedException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class GrpcErrorsTest {

    @Test
    void when_no_leader_is_known_then_unavailable_says_retry_in_100ms_with_a_retry_trailer() {
        StatusRuntimeException status = GrpcErrors.toStatus(new CompletionException(
                new NotLeaderException("node-2", null)));

        assertThat(status.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(status.getStatus().getDescription()).isEqualTo("no leader yet (election in progress); retry in 100ms");
        assertThat(status.getTrailers().get(GrpcErrors.RETRY_AFTER_MILLIS)).isEqualTo("100");
        assertThat(status.getTrailers().get(GrpcErrors.LEADER_HINT)).isNull();
    }

    @Test
    void when_the_leader_is_known_but_unreachable_then_the_trailer_names_it() {
        StatusRuntimeException status = GrpcErrors.toStatus(new NotLeaderException("node-2", "node-1"));

        assertThat(status.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(status.getTrailers().get(GrpcErrors.LEADER_HINT)).isEqualTo("node-1");
    }

    @Test
    void unknown_outcomes_timeouts_and_rejections_map_to_their_statuses() {
        assertThat(GrpcErrors.toStatus(new ProposalDroppedException("term changed")).getStatus().getDescription())
                .contains("retry with the same idempotency key");
        assertThat(GrpcErrors.toStatus(new CompletionException(new TimeoutException())).getStatus().getCode())
                .isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        StatusRuntimeException taken = GrpcErrors.toStatus(new RejectedCommand(RejectionRecord.newBuilder()
                .setCode(RejectionCode.REJECTION_CODE_FAILED_PRECONDITION).setMessage("seat A5 is not available")
                .addTakenSeatIds("A5").build()));
        assertThat(taken.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(taken.getStatus().getDescription()).isEqualTo("seat A5 is not available");
        assertThat(taken.getTrailers().get(Rejections.TAKEN_SEATS)).isEqualTo("A5");
        assertThat(GrpcErrors.toStatus(new IllegalStateException("bug")).getStatus().getCode())
                .isEqualTo(Status.Code.INTERNAL);
    }

    @Test
    void when_a_request_outlives_the_shutdown_of_the_node_then_the_client_is_told_to_retry_elsewhere_with_its_key() {
        StatusRuntimeException status = GrpcErrors.toStatus(new CompletionException(
                new java.util.concurrent.RejectedExecutionException("executor terminated")));

        assertThat(status.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(status.getStatus().getDescription()).contains("shutting down")
                .contains("retry on another node with the same idempotency key");
    }
}
