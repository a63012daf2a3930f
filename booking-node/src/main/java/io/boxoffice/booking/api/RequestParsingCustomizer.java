package io.boxoffice.booking.api;

import io.quarkus.grpc.api.ServerBuilderCustomizer;
import io.quarkus.grpc.runtime.config.GrpcServerConfiguration;
import io.vertx.grpc.VertxServerBuilder;
import jakarta.inject.Singleton;

/**
 * Installs {@link RequestParsing} on the public gRPC server Quarkus builds (its own Vert.x-hosted grpc-java
 * server, {@code quarkus.grpc.server.use-separate-server=true}, the default).
 */
@Singleton
public class RequestParsingCustomizer implements ServerBuilderCustomizer<VertxServerBuilder> {

    @Override
    public void customize(GrpcServerConfiguration config, VertxServerBuilder builder) {
        builder.setBinaryLog(new RequestParsing());
    }
}
