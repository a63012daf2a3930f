package io.boxoffice.booking.auth;

import java.util.Set;

/**
 * Who may call which gRPC method, by full method name ({@code package.Service/Method}). Everything not
 * listed as public needs a valid token; whole admin services need the admin role. Finer rules (a user sees
 * only their own bookings) live in the services, which know the resource.
 */
public final class MethodPolicy {

    /** Methods callable without a token. */
    static final Set<String> PUBLIC_METHODS = Set.of("boxoffice.v1.AuthService/Login");

    /** Services callable without a token: discovery and health, which reveal no booking data. */
    static final Set<String> PUBLIC_SERVICES = Set.of("grpc.reflection.v1alpha.ServerReflection",
            "grpc.reflection.v1.ServerReflection", "grpc.health.v1.Health");

    /** Services only admins may call. */
    static final Set<String> ADMIN_SERVICES = Set.of("boxoffice.v1.AdminService", "boxoffice.v1.ClusterService");

    private MethodPolicy() {
    }

    public static boolean isPublic(String fullMethodName) {
        return PUBLIC_METHODS.contains(fullMethodName) || PUBLIC_SERVICES.contains(serviceOf(fullMethodName));
    }

    public static boolean needsAdmin(String fullMethodName) {
        return ADMIN_SERVICES.contains(serviceOf(fullMethodName));
    }

    static String serviceOf(String fullMethodName) {
        int slash = fullMethodName.lastIndexOf('/');
        return slash < 0 ? fullMethodName : fullMethodName.substring(0, slash);
    }
}
