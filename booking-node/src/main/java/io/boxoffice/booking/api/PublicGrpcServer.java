package io.boxoffice.booking.api;

import io.boxoffice.booking.cluster.PublicApi;
import io.boxoffice.booking.config.BoxofficeConfig;
import io.grpc.Server;
import io.vertx.grpc.VertxServer;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.lang.reflect.Field;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Ends the public gRPC server's service the graceful way, before anything under it closes: no new calls, the
 * calls in flight finish, then the server is gone.
 *
 * <p>Why this is needed: Quarkus runs the public API on its own Vert.x-hosted grpc-java server and closes it
 * only when Vert.x closes, after every bean (and Raft) is gone. Worse, that server (vertx-grpc's
 * {@code VertxServer}) first detaches its Vert.x context and only then shuts grpc-java down, so a call still in
 * flight, or a stream arriving in between, finds no context to run on: grpc-java resets it with
 * {@code RST_STREAM INTERNAL_ERROR}, which a client sees as {@code INTERNAL} and cannot tell from a real failure.
 * Quarkus offers no setting for this, and neither library hands out the running grpc-java server, so it is
 * taken from vertx-grpc's registry of servers by reflection ({@link #find}); a test pins that it is found
 * ({@code PublicGrpcServerTest}), so a library upgrade that moves it fails the build instead of the next
 * rolling restart. Should it not be found, the stop goes on without this step (and says so in the log).
 *
 * <p>Once grpc-java's own {@code shutdown()} ran, the server takes no new streams (GOAWAY: clients open a new
 * connection elsewhere or get UNAVAILABLE, which they retry) and lets the calls in flight finish; when Vert.x
 * later detaches the context, nothing is left to reset.
 */
@Singleton
public class PublicGrpcServer implements PublicApi {

    private static final Logger LOG = Logger.getLogger(PublicGrpcServer.class);
    /** How long the cancelled leftovers get to end before the stop goes on. */
    static final long CANCELLED_CALLS_WAIT_MILLIS = 1_000;

    @Inject
    BoxofficeConfig config;

    @Override
    public void stopTakingCalls(long timeoutMillis) {
        Optional<Server> found = find(config.grpcPort());
        if (found.isEmpty()) {
            LOG.warnf("the public gRPC server on port %d was not found, so it cannot finish its calls before Raft "
                    + "closes; calls arriving during the stop may be reset", config.grpcPort());
            return;
        }
        Server server = found.get();
        long start = System.nanoTime();
        server.shutdown();
        try {
            if (!server.awaitTermination(timeoutMillis, TimeUnit.MILLISECONDS)) {
                LOG.warnf("calls still running %d ms after the public gRPC server stopped taking new ones "
                        + "(boxoffice.shutdown.calls-drain-timeout-millis); cancelling them", timeoutMillis);
                server.shutdownNow();
                server.awaitTermination(CANCELLED_CALLS_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            }
            LOG.infof("public gRPC server stopped: calls in flight finished in %d ms",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.shutdownNow();
        }
    }

    /** The running grpc-java server Quarkus serves the public API with on {@code port}, if it can be reached. */
    static Optional<Server> find(int port) {
        try {
            Field registry = VertxServer.class.getDeclaredField("map");
            registry.setAccessible(true);
            for (Object actual : ((Map<?, ?>) registry.get(null)).values()) {
                Field field = actual.getClass().getDeclaredField("server");
                field.setAccessible(true);
                if (field.get(actual) instanceof Server server && !server.isShutdown() && portOf(server) == port) {
                    return Optional.of(server);
                }
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warnf("cannot reach vertx-grpc's running servers (%s)", e.toString());
        }
        return Optional.empty();
    }

    private static int portOf(Server server) {
        try {
            return server.getPort();
        } catch (IllegalStateException notStarted) {
            return -1;
        }
    }
}
