package io.boxoffice.booking.testing;

import io.boxoffice.booking.config.BoxofficeConfig;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.Map;

/** A {@link BoxofficeConfig} outside Quarkus, from defaults plus overrides, for plain unit tests. */
public final class TestConfigs {

    private TestConfigs() {
    }

    public static BoxofficeConfig config(Map<String, String> values) {
        return new SmallRyeConfigBuilder().withMapping(BoxofficeConfig.class)
                .withSources(new PropertiesConfigSource(values, "test", 500)).build()
                .getConfigMapping(BoxofficeConfig.class);
    }
}
