package io.boxoffice.booking.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.boxoffice.booking.testing.TestKeys;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigValidatorTest {

    @TempDir
    static Path dir;
    static Path privateKey;
    static Path publicKey;

    @BeforeAll
    static void keys() {
        Path[] files = TestKeys.write(TestKeys.generate(), dir, "jwt");
        privateKey = files[0];
        publicKey = files[1];
    }

    private static BoxofficeConfig config(Map<String, String> overrides) {
        Map<String, String> values = new HashMap<>();
        values.put("boxoffice.auth.private-key-file", privateKey.toString());
        values.put("boxoffice.auth.public-key-file", publicKey.toString());
        values.put("boxoffice.data-dir", dir.resolve("data").toString());
        values.putAll(overrides);
        SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(BoxofficeConfig.class)
                .withSources(new PropertiesConfigSource(values, "test", 500)).build();
        return config.getConfigMapping(BoxofficeConfig.class);
    }

    @Test
    void when_nothing_is_configured_but_keys_then_a_one_node_cluster_with_a_generated_token_starts() {
        NodeSettings settings = ConfigValidator.resolve(config(Map.of()));

        assertThat(settings.nodeId()).isEqualTo("node-1");
        assertThat(settings.bootstrapMembers()).containsExactly(new PeerSpec("node-1", "localhost:7070"));
        assertThat(settings.selfPeerAddress()).isEqualTo("localhost:7070");
        assertThat(settings.peerTokenGenerated()).isTrue();
        assertThat(settings.peerToken()).hasSize(64);
    }

    @Test
    void when_three_peers_and_a_token_file_are_given_then_they_are_resolved() throws Exception {
        Path tokenFile = dir.resolve("token");
        Files.writeString(tokenFile, "0123456789abcdef0123456789abcdef\n");

        NodeSettings settings = ConfigValidator.resolve(config(Map.of(
                "boxoffice.node-id", "boxoffice-1",
                "boxoffice.peers", "boxoffice-0=b0.peers:7070,boxoffice-1=b1.peers:7070,boxoffice-2=b2.peers:7070",
                "boxoffice.peer-token-file", tokenFile.toString())));

        assertThat(settings.bootstrapMembers()).extracting(PeerSpec::id)
                .containsExactly("boxoffice-0", "boxoffice-1", "boxoffice-2");
        assertThat(settings.selfPeerAddress()).isEqualTo("b1.peers:7070");
        assertThat(settings.peerToken()).isEqualTo("0123456789abcdef0123456789abcdef");
        assertThat(settings.peerTokenGenerated()).isFalse();
    }

    @Test
    void when_discovery_bounds_are_wrong_then_each_is_reported_with_its_fix() {
        assertThatThrownBy(() -> ConfigValidator.resolve(config(Map.of(
                "boxoffice.discovery.dns-wait-millis", "-1",
                "boxoffice.discovery.backoff-min-millis", "500",
                "boxoffice.discovery.backoff-max-millis", "100",
                "boxoffice.discovery.call-timeout-millis", "0"))))
                .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(e.problems())
                        .anyMatch(p -> p.startsWith("boxoffice.discovery.dns-wait-millis must be >= 0"))
                        .anyMatch(p -> p.startsWith("boxoffice.discovery.backoff-max-millis (100) must be >= "))
                        .anyMatch(p -> p.startsWith("boxoffice.discovery.call-timeout-millis must be >= 1")));
    }

    @Test
    void when_joining_then_no_bootstrap_configuration_is_used() {
        NodeSettings settings = ConfigValidator.resolve(config(Map.of("boxoffice.join", "true",
                "boxoffice.peer-token", "0123456789abcdef0123456789abcdef")));

        assertThat(settings.bootstrapMembers()).isEmpty();
    }

    @Test
    void when_many_settings_are_wrong_then_every_problem_is_listed_at_once_with_its_fix() {
        Map<String, String> bad = new HashMap<>();
        bad.put("boxoffice.node-id", "Node_1");
        bad.put("boxoffice.peers", "a=h:1,b=h:2,garbage");
        bad.put("boxoffice.grpc-port", "70000");
        bad.put("boxoffice.raft.election-timeout-ticks", "2");
        bad.put("boxoffice.raft.heartbeat-interval-ticks", "3");
        bad.put("boxoffice.limits.max-seats-per-hold", "0");
        bad.put("boxoffice.auth.private-key-file", dir.resolve("missing.pem").toString());
        bad.put("boxoffice.auth.password-hash-iterations", "10");
        bad.put("boxoffice.assistant.address", "no-port");

        assertThatThrownBy(() -> ConfigValidator.resolve(config(bad)))
                .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(e.problems())
                        .anyMatch(p -> p.startsWith("boxoffice.node-id 'Node_1' must be lower-case"))
                        .anyMatch(p -> p.contains("'garbage' must look like id=host:port"))
                        .anyMatch(p -> p.contains("does not list this node"))
                        .anyMatch(p -> p.contains("use an odd number"))
                        .anyMatch(p -> p.startsWith("boxoffice.grpc-port must be between 1 and 65535"))
                        .anyMatch(p -> p.contains("election-timeout-ticks (2) must be at least twice"))
                        .anyMatch(p -> p.startsWith("boxoffice.limits.max-seats-per-hold must be >= 1"))
                        .anyMatch(p -> p.contains("missing.pem does not exist") && p.contains("openssl genpkey"))
                        .anyMatch(p -> p.contains("password-hash-iterations (10) must be at least 1000"))
                        .anyMatch(p -> p.startsWith("boxoffice.assistant.address"))
                        .anyMatch(p -> p.contains("needs a cluster credential") && p.contains("openssl rand -hex 32")))
                .hasMessageContaining("fix these");
    }

    @Test
    void when_the_peer_token_is_short_or_set_twice_then_start_up_is_refused() {
        assertThatThrownBy(() -> ConfigValidator.resolve(config(Map.of("boxoffice.peer-token", "short"))))
                .hasMessageContaining("the cluster credential is 5 characters");
        assertThatThrownBy(() -> ConfigValidator.resolve(config(Map.of("boxoffice.peer-token",
                "0123456789abcdef0123456789abcdef", "boxoffice.peer-token-file", "/x"))))
                .hasMessageContaining("set only one of boxoffice.peer-token and boxoffice.peer-token-file");
    }

    @Test
    void when_this_nodes_peer_address_disagrees_with_the_peer_port_then_start_up_is_refused() {
        assertThatThrownBy(() -> ConfigValidator.resolve(config(Map.of("boxoffice.peers", "node-1=localhost:7999"))))
                .hasMessageContaining("gives this node the address localhost:7999 but boxoffice.peer-port is 7070");
    }
}
