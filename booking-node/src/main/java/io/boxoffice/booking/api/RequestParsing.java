package io.boxoffice.booking.api;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Attributes;
import io.grpc.BinaryLog;
import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.SecurityLevel;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.InputStream;
import java.util.List;

/**
 * Parses every request inside the call, so that one which is not valid protobuf (garbage bytes, a truncated
 * varint, invalid UTF-8 in a string field) is answered {@code INVALID_ARGUMENT} "request: is not a valid
 * boxoffice.v1.BookSeatsRequest (…)" with a {@code google.rpc.BadRequest} detail. Left to itself, grpc-java
 * parses a request before any interceptor or handler runs and answers a failure with {@code UNKNOWN
 * "Application error processing RPC"}, which tells the client nothing and looks like a server bug.
 *
 * <p>grpc-java has exactly one server-wide hook that sees each method, after its interceptors were applied
 * and before its request is parsed: the {@link BinaryLog} of {@code ServerBuilder.setBinaryLog}, whose
 * {@link #wrapMethodDefinition} may swap a method's marshallers (the real binary log does so to see the bytes).
 * This one logs nothing: it registers each method with a pass-through request marshaller, parses the bytes
 * with the method's own marshaller when they arrive, and closes the call with {@code INVALID_ARGUMENT} when
 * they do not parse. Everything inside (Quarkus' interceptors, ours, the service) sees the method and its
 * request exactly as before, on the same thread. Installed by {@link RequestParsingCustomizer}.
 */
public final class RequestParsing extends BinaryLog {

    /**
     * Hands the request bytes on unparsed. grpc-java calls the listener with them and closes the stream once it
     * returned; {@link ParsingListener} parses them within that call, so they need no copy.
     */
    private static final MethodDescriptor.Marshaller<InputStream> UNPARSED = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(InputStream value) {
            return value;
        }

        @Override
        public InputStream parse(InputStream stream) {
            return stream;
        }
    };

    @Override
    public <Q, R> ServerMethodDefinition<?, ?> wrapMethodDefinition(ServerMethodDefinition<Q, R> method) {
        MethodDescriptor<Q, R> original = method.getMethodDescriptor();
        MethodDescriptor<InputStream, R> unparsed = original.toBuilder(UNPARSED, original.getResponseMarshaller())
                .build();
        ServerCallHandler<Q, R> handler = method.getServerCallHandler();
        return ServerMethodDefinition.create(unparsed, (call, headers) -> {
            ParsedCall<Q, R> parsedCall = new ParsedCall<>(call, original);
            return new ParsingListener<>(handler.startCall(parsedCall, headers), parsedCall, original);
        });
    }

    @Override
    public Channel wrapChannel(Channel channel) {
        return channel;
    }

    @Override
    public void close() {
    }

    /** The status for a request that did not parse: a sentence of protobuf's own, never the client's bytes. */
    static StatusRuntimeException malformed(MethodDescriptor<?, ?> method, InvalidProtocolBufferException cause) {
        String type = method.getRequestMarshaller() instanceof MethodDescriptor.PrototypeMarshaller<?> prototypes
                && prototypes.getMessagePrototype() instanceof com.google.protobuf.Message message
                ? message.getDescriptorForType().getFullName() : "request message";
        String reason = cause.getMessage() == null ? "malformed protobuf" : cause.getMessage();
        return Rejections.toStatus(new InvalidArgument(List.of(new InvalidArgument.Violation("request",
                "is not a valid " + type + " (" + reason + ")"))));
    }

    /** Parses each message with the method's marshaller before the application sees it. */
    private static final class ParsingListener<Q, R> extends ServerCall.Listener<InputStream> {
        private final ServerCall.Listener<Q> delegate;
        private final ParsedCall<Q, R> call;
        private final MethodDescriptor<Q, R> method;
        private boolean refused;

        ParsingListener(ServerCall.Listener<Q> delegate, ParsedCall<Q, R> call, MethodDescriptor<Q, R> method) {
            this.delegate = delegate;
            this.call = call;
            this.method = method;
        }

        @Override
        public void onMessage(InputStream bytes) {
            if (refused) {
                return;
            }
            Q request;
            try {
                request = method.parseRequest(bytes);
            } catch (StatusRuntimeException e) {
                if (!(e.getCause() instanceof InvalidProtocolBufferException malformed)) {
                    throw e;
                }
                refused = true;
                call.closeIfOpen(malformed(method, malformed));
                return;
            }
            delegate.onMessage(request);
        }

        @Override
        public void onHalfClose() {
            if (!refused) {
                delegate.onHalfClose();
            }
        }

        @Override
        public void onCancel() {
            delegate.onCancel();
        }

        @Override
        public void onComplete() {
            delegate.onComplete();
        }

        @Override
        public void onReady() {
            delegate.onReady();
        }
    }

    /**
     * The call as the application sees it: the method's own descriptor and request type. Remembers whether it
     * was closed, since an interceptor may already have refused the call (no token) when its bytes turn out bad.
     */
    private static final class ParsedCall<Q, R> extends ServerCall<Q, R> {
        private final ServerCall<InputStream, R> delegate;
        private final MethodDescriptor<Q, R> method;
        private volatile boolean closed;

        ParsedCall(ServerCall<InputStream, R> delegate, MethodDescriptor<Q, R> method) {
            this.delegate = delegate;
            this.method = method;
        }

        void closeIfOpen(StatusRuntimeException failure) {
            if (!closed) {
                close(failure.getStatus(), failure.getTrailers() == null ? new Metadata() : failure.getTrailers());
            }
        }

        @Override
        public void request(int numMessages) {
            delegate.request(numMessages);
        }

        @Override
        public void sendHeaders(Metadata headers) {
            delegate.sendHeaders(headers);
        }

        @Override
        public void sendMessage(R message) {
            delegate.sendMessage(message);
        }

        @Override
        public boolean isReady() {
            return delegate.isReady();
        }

        @Override
        public void close(Status status, Metadata trailers) {
            closed = true;
            delegate.close(status, trailers);
        }

        @Override
        public boolean isCancelled() {
            return delegate.isCancelled();
        }

        @Override
        public void setMessageCompression(boolean enabled) {
            delegate.setMessageCompression(enabled);
        }

        @Override
        public void setCompression(String compressor) {
            delegate.setCompression(compressor);
        }

        @Override
        public void setOnReadyThreshold(int numBytes) {
            delegate.setOnReadyThreshold(numBytes);
        }

        @Override
        public SecurityLevel getSecurityLevel() {
            return delegate.getSecurityLevel();
        }

        @Override
        public Attributes getAttributes() {
            return delegate.getAttributes();
        }

        @Override
        public String getAuthority() {
            return delegate.getAuthority();
        }

        @Override
        public MethodDescriptor<Q, R> getMethodDescriptor() {
            return method;
        }
    }
}
