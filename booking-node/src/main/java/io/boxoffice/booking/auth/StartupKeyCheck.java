package io.boxoffice.booking.auth;

import io.boxoffice.booking.config.NodeSettings;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Fails start-up at once when the configuration or the key files are wrong, instead of at the first
 * login: validates the settings (every problem listed) and then loads the key pair.
 */
@ApplicationScoped
public class StartupKeyCheck {

    void onStart(@Observes @Priority(1) StartupEvent event, NodeSettings settings, TokenService tokens) {
        // Injecting both beans is the check: their producers throw InvalidConfigurationException.
    }
}
