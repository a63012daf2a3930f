package io.boxoffice.testkit.client;

import io.grpc.Metadata;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import java.util.concurrent.TimeUnit;

/** A stub with a deadline and, when a token is given, the {@code authorization: Bearer} header every call needs. */
public final class Stubs {

    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private Stubs() {
    }

    public static <S extends AbstractStub<S>> S authorized(S stub, String token, long deadlineMillis) {
        S withDeadline = stub.withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS);
        if (token == null || token.isEmpty()) {
            return withDeadline;
        }
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + token);
        return withDeadline.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }
}
