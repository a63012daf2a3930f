package io.boxoffice.booking.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxoffice.booking.api.GrpcErrors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.Test;

class ShutdownSignalTest {

    @Test
    void while_the_process_stops_an_unexpected_failure_sends_the_client_elsewhere_instead_of_internal() {
        RuntimeException beanGone = new RuntimeException("Error injecting NodeSettings ClusterNode.settings");
        assertThat(GrpcErrors.toStatus(beanGone).getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
        ShutdownSignal.set(true);
        try {
            StatusRuntimeException status = GrpcErrors.toStatus(beanGone);
            assertThat(status.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(status.getStatus().getDescription()).contains("shutting down")
                    .contains("same idempotency key");
        } finally {
            ShutdownSignal.set(false);
        }
    }
}
