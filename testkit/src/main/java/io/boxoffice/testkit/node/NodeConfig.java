package io.boxoffice.testkit.node;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A booking node's settings by configuration key ({@code boxoffice.peer-port}), passed either as system
 * properties or, as the Helm chart does, as environment variables ({@code BOXOFFICE_PEER_PORT}).
 */
public final class NodeConfig {

    private NodeConfig() {
    }

    /** The environment variable Quarkus reads for {@code key}: upper case, every other character an underscore. */
    public static String environmentName(String key) {
        return key.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    public static Map<String, String> asEnvironment(Map<String, String> settings) {
        Map<String, String> environment = new LinkedHashMap<>();
        settings.forEach((key, value) -> environment.put(environmentName(key), value));
        return environment;
    }
}
