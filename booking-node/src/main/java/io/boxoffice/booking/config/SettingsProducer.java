package io.boxoffice.booking.config;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Validates the configuration once and hands the resolved settings to the beans that need them. */
public class SettingsProducer {

    @Produces
    @Singleton
    NodeSettings settings(BoxofficeConfig config) {
        return ConfigValidator.resolve(config);
    }
}
