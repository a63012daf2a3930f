package io.boxoffice.booking.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.boxoffice.booking.config.InvalidConfigurationException;
import io.boxoffice.booking.config.NodeSettings;
import io.boxoffice.booking.config.PeerSpec;
import io.boxoffice.booking.metrics.BoxofficeMetrics;
import io.boxoffice.booking.testing.TestConfigs;
import io.boxoffice.raft.storage.RocksDbLogStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A data volume belongs to one member id: a node refuses another member's volume. */
class ClusterNodeVolumeTest {

    @TempDir
    Path dataDir;

    @Test
    void when_the_volume_belongs_to_another_member_then_the_node_refuses_to_start_and_says_what_to_do() {
        try (RocksDbLogStore store = new RocksDbLogStore(dataDir.resolve(ClusterNode.LOG_DIRECTORY))) {
            store.saveMemberId("node-7");
        }
        ClusterNode node = new ClusterNode();
        node.settings = new NodeSettings("node-1", "boxoffice", List.of(new PeerSpec("node-1", "localhost:7070")),
                "localhost:7070", "0123456789abcdef0123456789abcdef", false, dataDir, null, null, List.of());
        node.config = TestConfigs.config(Map.of());
        node.metrics = new BoxofficeMetrics(); // Unregistered: the node refuses the volume before it appends.

        assertThatThrownBy(node::start).isInstanceOfSatisfying(InvalidConfigurationException.class, e ->
                assertThat(e.problems()).singleElement().asString()
                        .contains("holds the log of member 'node-7' but boxoffice.node-id is 'node-1'")
                        .contains("must join as a new member"));
        assertThat(node.started()).isFalse();
        try (RocksDbLogStore store = new RocksDbLogStore(dataDir.resolve(ClusterNode.LOG_DIRECTORY))) {
            assertThat(store.memberId()).contains("node-7");
        }
    }
}
