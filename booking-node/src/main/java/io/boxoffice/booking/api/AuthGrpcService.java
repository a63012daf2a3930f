package io.boxoffice.booking.api;

import io.boxoffice.booking.auth.AuthInterceptor;
import io.boxoffice.booking.app.LoginService;
import io.boxoffice.proto.v1.AuthServiceGrpc;
import io.boxoffice.proto.v1.LoginRequest;
import io.boxoffice.proto.v1.LoginResponse;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import jakarta.inject.Inject;

/** {@code boxoffice.v1.AuthService}: the only call that needs no token. */
@GrpcService
public class AuthGrpcService extends AuthServiceGrpc.AuthServiceImplBase {

    @Inject
    Calls calls;
    @Inject
    RequestValidator validator;
    @Inject
    LoginService logins;

    @Override
    public void login(LoginRequest request, StreamObserver<LoginResponse> observer) {
        String source = AuthInterceptor.SOURCE.get();
        calls.unary(request, observer, () -> {
            validator.login(request);
            return logins.login(request, source == null ? "unknown" : source);
        });
    }
}
