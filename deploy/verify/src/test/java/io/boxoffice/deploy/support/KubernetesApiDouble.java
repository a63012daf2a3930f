package io.boxoffice.deploy.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The few Kubernetes API answers Helm's {@code lookup} needs, on loopback, so the chart renders as
 * {@code helm template} does without a cluster (lookup finds nothing) or, with a stored Secret, as an
 * upgrade of a running release does (lookup finds it).
 *
 * <p>Why it exists: helm-java's template runs Helm's install in dry-run mode "none", which sends
 * {@code lookup} to the cluster of $KUBECONFIG; surefire points KUBECONFIG at {@link #KUBECONFIG},
 * which this class writes with its own address before the first render. Nothing leaves the machine.
 */
public final class KubernetesApiDouble {

    /** The file surefire's KUBECONFIG names (see deploy/verify/pom.xml). */
    public static final Path KUBECONFIG = Path.of(System.getProperty("boxoffice.kubeconfig", "target/test-kubeconfig.yaml"));

    private static final Pattern SECRET_PATH = Pattern.compile("/api/v1/namespaces/([^/]+)/secrets/([^/?]+)");
    private static volatile KubernetesApiDouble instance;

    private final HttpServer server;
    private final Map<String, String> secretsJsonByKey = new ConcurrentHashMap<>();

    private KubernetesApiDouble() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", this::handle);
        server.start();
        Files.createDirectories(KUBECONFIG.toAbsolutePath().getParent());
        Files.writeString(KUBECONFIG, """
                apiVersion: v1
                kind: Config
                clusters:
                  - name: offline
                    cluster:
                      server: http://127.0.0.1:%d
                contexts:
                  - name: offline
                    context:
                      cluster: offline
                      user: offline
                current-context: offline
                users:
                  - name: offline
                    user: {}
                """.formatted(server.getAddress().getPort()));
    }

    /** Starts the double once per test JVM, before the first render. */
    public static KubernetesApiDouble start() {
        if (instance == null) {
            synchronized (KubernetesApiDouble.class) {
                if (instance == null) {
                    try {
                        instance = new KubernetesApiDouble();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
        }
        return instance;
    }

    /** Makes {@code lookup "v1" "Secret" namespace name} return this Secret (JSON) until {@link #clear}. */
    public void storeSecret(String namespace, String name, String secretJson) {
        secretsJsonByKey.put(namespace + "/" + name, secretJson);
    }

    public void clear() {
        secretsJsonByKey.clear();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        Matcher secret = SECRET_PATH.matcher(path);
        if (path.equals("/api")) {
            reply(exchange, 200, "{\"kind\":\"APIVersions\",\"versions\":[\"v1\"],\"serverAddressByClientCIDRs\":[]}");
        } else if (path.equals("/apis")) {
            reply(exchange, 200, "{\"kind\":\"APIGroupList\",\"apiVersion\":\"v1\",\"groups\":[]}");
        } else if (path.equals("/api/v1")) {
            reply(exchange, 200, "{\"kind\":\"APIResourceList\",\"groupVersion\":\"v1\",\"resources\":[{\"name\":\"secrets\","
                    + "\"singularName\":\"secret\",\"namespaced\":true,\"kind\":\"Secret\",\"verbs\":[\"get\",\"list\"]}]}");
        } else if (secret.matches() && secretsJsonByKey.containsKey(secret.group(1) + "/" + secret.group(2))) {
            reply(exchange, 200, secretsJsonByKey.get(secret.group(1) + "/" + secret.group(2)));
        } else {
            reply(exchange, 404, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
                    + "\"message\":\"not found\",\"reason\":\"NotFound\",\"code\":404}");
        }
    }

    private static void reply(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }
}
