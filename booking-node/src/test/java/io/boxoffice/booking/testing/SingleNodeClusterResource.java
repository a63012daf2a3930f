package io.boxoffice.booking.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Starts every {@code @QuarkusTest} against a one-node Raft cluster in a fresh temporary data directory,
 * with a JWT key pair generated for this run and free ports for gRPC, HTTP and the peer server. Demo data
 * is on, so the demo users exist. The directory is deleted afterwards.
 */
public class SingleNodeClusterResource implements QuarkusTestResourceLifecycleManager {

    /** The signing key of this run, so tests can mint expired tokens that are otherwise genuine. */
    public static volatile KeyPair keys;
    public static volatile int grpcPort;
    public static volatile int httpPort;
    public static volatile Path dataDir;
    /** Stands in for llm-service at {@code boxoffice.assistant.address}. */
    public static volatile FakeLlmService llm;

    private Path root;
    private boolean withAssistant = true;
    private boolean demoData = true;
    private String bootstrapAdminPassword;

    /**
     * Init arguments: {@code assistant=none} starts the node without an llm-service address;
     * {@code demo=false} without demo data; {@code bootstrapAdminPassword=…} with a bootstrap administrator.
     */
    @Override
    public void init(Map<String, String> initArgs) {
        withAssistant = !"none".equals(initArgs.get("assistant"));
        demoData = !"false".equals(initArgs.get("demo"));
        bootstrapAdminPassword = initArgs.get("bootstrapAdminPassword");
    }

    @Override
    public Map<String, String> start() {
        try {
            root = Files.createTempDirectory("boxoffice-test-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        keys = TestKeys.generate();
        Path[] files = TestKeys.write(keys, root, "jwt");
        dataDir = root.resolve("data");
        grpcPort = freePort();
        Map<String, String> config = new HashMap<>();
        config.put("boxoffice.node-id", "node-1");
        config.put("boxoffice.data-dir", dataDir.toString());
        config.put("boxoffice.grpc-port", String.valueOf(grpcPort));
        httpPort = freePort();
        config.put("boxoffice.http-port", String.valueOf(httpPort));
        config.put("boxoffice.peer-port", String.valueOf(freePort()));
        config.put("boxoffice.auth.private-key-file", files[0].toString());
        config.put("boxoffice.auth.public-key-file", files[1].toString());
        config.put("boxoffice.auth.issuer", "https://boxoffice.test");
        config.put("boxoffice.demo-data", String.valueOf(demoData));
        if (bootstrapAdminPassword != null) {
            Path passwordFile = root.resolve("admin-password");
            try {
                Files.writeString(passwordFile, bootstrapAdminPassword + "\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            config.put("boxoffice.auth.bootstrap-admin-password-file", passwordFile.toString());
        }
        if (withAssistant) {
            llm = new FakeLlmService(freePort());
            llm.start();
            config.put("boxoffice.assistant.address", "127.0.0.1:" + llm.port());
        }
        return config;
    }

    @Override
    public void stop() {
        if (llm != null) {
            llm.stop();
        }
        if (root == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A port free right now; the tiny race with other processes is acceptable in tests. */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
