package io.boxoffice.booking.metrics;

import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Times every gRPC call of the public API, including the ones authentication refuses. */
@GlobalInterceptor
@ApplicationScoped
@Priority(RpcMetricsInterceptor.PRIORITY)
public class RpcMetricsInterceptor implements ServerInterceptor {

    /** Higher than the authentication interceptor's, so this one runs first and sees every outcome. */
    public static final int PRIORITY = 200;

    @Inject
    BoxofficeMetrics metrics;

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        if (method.startsWith("grpc.")) {
            return next.startCall(call, headers);
        }
        long start = System.nanoTime();
        ServerCall<Q, R> timed = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                metrics.rpc(method, status.getCode().name(), System.nanoTime() - start);
                super.close(status, trailers);
            }
        };
        return next.startCall(timed, headers);
    }
}
