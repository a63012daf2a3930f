package io.boxoffice.booking.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DnsCachePolicyTest {

    /** A JVM's properties without touching the real ones. */
    private static final class FakeProperties implements DnsCachePolicy.Properties {
        final Map<String, String> security = new HashMap<>();
        final Map<String, String> system = new HashMap<>();

        @Override
        public String security(String key) {
            return security.get(key);
        }

        @Override
        public void setSecurity(String key, String value) {
            security.put(key, value);
        }

        @Override
        public String system(String key) {
            return system.get(key);
        }

        @Override
        public void setSystem(String key, String value) {
            system.put(key, value);
        }
    }

    @Test
    void when_the_jdk_defaults_apply_then_answers_live_one_second_and_failures_are_not_cached() {
        FakeProperties jvm = new FakeProperties();
        jvm.security.put("networkaddress.cache.negative.ttl", "10"); // What the JDK's java.security sets.

        DnsCachePolicy.apply(jvm);

        assertThat(jvm.security).containsEntry("networkaddress.cache.ttl", "1")
                .containsEntry("networkaddress.cache.negative.ttl", "0");
        // grpc-java reads the system property of the same name for its re-resolution interval.
        assertThat(jvm.system).containsEntry("networkaddress.cache.ttl", "1");
    }

    @Test
    void when_the_operator_passes_jvm_flags_then_they_are_used() {
        FakeProperties jvm = new FakeProperties();
        jvm.security.put("networkaddress.cache.negative.ttl", "10");
        jvm.system.put("sun.net.inetaddr.ttl", "5");
        jvm.system.put("sun.net.inetaddr.negative.ttl", "2");
        jvm.system.put("networkaddress.cache.ttl", "3");

        DnsCachePolicy.apply(jvm);

        assertThat(jvm.security).containsEntry("networkaddress.cache.ttl", "5")
                .containsEntry("networkaddress.cache.negative.ttl", "2");
        assertThat(jvm.system).containsEntry("networkaddress.cache.ttl", "3");
    }

    @Test
    void when_java_security_sets_its_own_values_then_they_are_kept() {
        FakeProperties jvm = new FakeProperties();
        jvm.security.put("networkaddress.cache.ttl", "30");
        jvm.security.put("networkaddress.cache.negative.ttl", "3");

        DnsCachePolicy.apply(jvm);

        assertThat(jvm.security).containsEntry("networkaddress.cache.ttl", "30")
                .containsEntry("networkaddress.cache.negative.ttl", "3");
        assertThat(jvm.system).containsEntry("networkaddress.cache.ttl", "30");
    }
}
