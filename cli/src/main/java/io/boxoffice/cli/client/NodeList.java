package io.boxoffice.cli.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Where the node list comes from when {@code --nodes} is not given: {@code $BOOKINGCTL_NODES}, else the
 * file the local launcher writes ({@code $BOOKINGCTL_NODES_FILE}, set by {@code ./bookingctl} to
 * {@code .boxoffice/nodes}), else the launcher's default ports on loopback.
 */
public final class NodeList {

    /** What {@code ./boxoffice up} starts when no port offset is set. */
    public static final String LAUNCHER_DEFAULT = "node1=127.0.0.1:9101,node2=127.0.0.1:9102,node3=127.0.0.1:9103";

    private NodeList() {
    }

    public static List<Endpoint> resolve(String flag, Map<String, String> env) {
        if (flag != null && !flag.isBlank()) {
            return Endpoint.parseList(flag);
        }
        String fromEnv = env.get("BOOKINGCTL_NODES");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Endpoint.parseList(fromEnv);
        }
        String file = env.get("BOOKINGCTL_NODES_FILE");
        if (file != null && !file.isBlank() && Files.isRegularFile(Path.of(file))) {
            try {
                String text = Files.readString(Path.of(file), StandardCharsets.UTF_8).trim();
                if (!text.isEmpty()) {
                    return Endpoint.parseList(text.replace('\n', ','));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the node list " + file + ": " + e.getMessage(), e);
            }
        }
        return Endpoint.parseList(LAUNCHER_DEFAULT);
    }
}
