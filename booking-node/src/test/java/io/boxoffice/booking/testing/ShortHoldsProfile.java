package io.boxoffice.booking.testing;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;

/**
 * A second node configuration for the tests that need it: holds of 1.5 s (extendable to 3 s) swept every
 * half second, and no llm-service. Tests sharing this profile share one node start.
 */
public class ShortHoldsProfile implements QuarkusTestProfile {

    public static final long HOLD_MILLIS = 1500;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("boxoffice.limits.hold-duration-millis", String.valueOf(HOLD_MILLIS),
                "boxoffice.limits.hold-lifetime-max-millis", String.valueOf(2 * HOLD_MILLIS),
                "boxoffice.limits.expire-holds-interval-millis", "500");
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(SingleNodeClusterResource.class, Map.of("assistant", "none")));
    }

    @Override
    public boolean disableGlobalTestResources() {
        return true;
    }
}
