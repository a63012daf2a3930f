package io.boxoffice.booking.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxoffice.booking.testing.NodeTest;
import io.boxoffice.booking.testing.SingleNodeClusterResource;
import org.junit.jupiter.api.Test;

/**
 * A graceful stop finishes the calls in flight on the grpc-java server Quarkus runs the public API on, which it
 * reaches inside vertx-grpc (see {@link PublicGrpcServer}). This pins that it is found, so that a library
 * upgrade moving it breaks the build rather than the next rolling restart.
 */
@NodeTest
class PublicGrpcServerTest {

    @Test
    void the_running_public_grpc_server_is_found_on_its_port() {
        assertThat(PublicGrpcServer.find(SingleNodeClusterResource.grpcPort)).isPresent()
                .get().satisfies(server -> assertThat(server.isShutdown()).isFalse());
        assertThat(PublicGrpcServer.find(1)).isEmpty();
    }
}
