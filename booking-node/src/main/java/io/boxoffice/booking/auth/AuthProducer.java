package io.boxoffice.booking.auth;

import io.boxoffice.booking.config.BoxofficeConfig;
import io.boxoffice.booking.config.NodeSettings;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Duration;

/** Builds the authentication beans from the validated configuration. */
public class AuthProducer {

    @Produces
    @Singleton
    KeyMaterial keys(NodeSettings settings) {
        return KeyMaterial.load(settings.privateKeyFile(), settings.publicKeyFile());
    }

    @Produces
    @Singleton
    TokenService tokens(KeyMaterial keys, BoxofficeConfig config) {
        return new TokenService(keys, config.auth().issuer(), Duration.ofSeconds(config.auth().tokenLifetimeSeconds()));
    }

    @Produces
    @Singleton
    PasswordHasher hasher(BoxofficeConfig config) {
        return new PasswordHasher(config.auth().passwordHashIterations());
    }

    @Produces
    @Singleton
    LoginThrottle throttle(BoxofficeConfig config) {
        BoxofficeConfig.Auth auth = config.auth();
        return new LoginThrottle(auth.loginFailuresBeforeBackoff(), auth.loginFailuresBeforeBackoffPerSource(),
                auth.loginBackoffBaseMillis(),
                auth.loginBackoffMaxMillis(), auth.loginThrottleMaxEntries(), System::currentTimeMillis);
    }
}
