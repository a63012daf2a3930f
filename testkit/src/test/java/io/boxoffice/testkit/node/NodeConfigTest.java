package io.boxoffice.testkit.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeConfigTest {

    @Test
    void configuration_keys_become_the_environment_variables_quarkus_reads() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("boxoffice.auth.private-key-file", "/k");
        settings.put("boxoffice.raft.snapshot-interval-entries", "200");
        assertThat(NodeConfig.asEnvironment(settings)).containsExactly(
                Map.entry("BOXOFFICE_AUTH_PRIVATE_KEY_FILE", "/k"),
                Map.entry("BOXOFFICE_RAFT_SNAPSHOT_INTERVAL_ENTRIES", "200"));
    }
}
