package io.boxoffice.booking.auth;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Authenticates every public gRPC call: reads {@code authorization: Bearer <token>}, verifies it and makes
 * the {@link Caller} available to the service through {@link #CALLER}. Calls without a valid token get
 * {@code UNAUTHENTICATED}; calls to admin services by non-admins get {@code PERMISSION_DENIED}. Login,
 * server reflection and gRPC health need no token.
 */
@GlobalInterceptor
@ApplicationScoped
@Priority(AuthInterceptor.PRIORITY)
public class AuthInterceptor implements ServerInterceptor {

    /** Runs after the metrics interceptor, so refused calls are measured too. */
    public static final int PRIORITY = 100;

    /** The authenticated caller of the current call; absent on public methods. */
    public static final Context.Key<Caller> CALLER = Context.key("boxoffice-caller");

    /** The remote address of the current call, on every method (Login throttles by it). */
    public static final Context.Key<String> SOURCE = Context.key("boxoffice-source");

    /** The call's method, so a request can be forwarded to the leader as it came. */
    public static final Context.Key<io.grpc.MethodDescriptor<?, ?>> METHOD = Context.key("boxoffice-method");

    /** The call's authorization metadata, passed on when the request is forwarded to the leader. */
    public static final Context.Key<String> AUTHORIZATION_VALUE = Context.key("boxoffice-authorization");

    /** Set when the call was forwarded by another member: it is never forwarded again. */
    public static final Context.Key<Boolean> FORWARDED = Context.key("boxoffice-forwarded");

    public static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization",
            Metadata.ASCII_STRING_MARSHALLER);

    /** Metadata a member adds when it forwards a request to the leader; names the forwarding member. */
    public static final Metadata.Key<String> FORWARDED_BY = Metadata.Key.of("x-boxoffice-forwarded-by",
            Metadata.ASCII_STRING_MARSHALLER);

    private static final String BEARER = "bearer ";

    @Inject
    TokenService tokens;

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        String source = source(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
        String header = headers.get(AUTHORIZATION);
        Context context = Context.current().withValues(SOURCE, source, METHOD, call.getMethodDescriptor(),
                FORWARDED, headers.containsKey(FORWARDED_BY));
        if (MethodPolicy.isPublic(method)) {
            return Contexts.interceptCall(context, call, headers, next);
        }
        if (header == null || header.isBlank()) {
            return refuse(call, Status.UNAUTHENTICATED.withDescription("missing access token: send metadata "
                    + "'authorization: Bearer <token>' with the token from AuthService/Login"));
        }
        if (header.length() <= BEARER.length() || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return refuse(call, Status.UNAUTHENTICATED.withDescription("malformed authorization metadata: expected "
                    + "'Bearer <token>'"));
        }
        Caller caller;
        try {
            caller = tokens.verify(header.substring(BEARER.length()).trim(), source);
        } catch (TokenService.InvalidTokenException e) {
            return refuse(call, Status.UNAUTHENTICATED.withDescription(e.getMessage()));
        }
        if (MethodPolicy.needsAdmin(method) && !caller.isAdmin()) {
            return refuse(call, Status.PERMISSION_DENIED.withDescription(method + " needs the admin role; user '"
                    + caller.username() + "' has role " + caller.role().claim()));
        }
        return Contexts.interceptCall(context.withValues(CALLER, caller, AUTHORIZATION_VALUE, header), call, headers,
                next);
    }

    private static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, Status status) {
        call.close(status, new Metadata());
        return new ServerCall.Listener<>() {
        };
    }

    static String source(SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            return inet.getAddress() != null ? inet.getAddress().getHostAddress() : inet.getHostString();
        }
        return address == null ? "unknown" : address.toString();
    }
}
