package io.boxoffice.booking.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class LeaderChangesMetricTest {

    @Test
    void only_a_known_leader_in_a_later_term_counts_as_a_leader_change() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        BoxofficeMetrics metrics = new BoxofficeMetrics();
        metrics.init(registry);

        metrics.roleChanged(1, "node1"); // the first leader this node sees: nothing changed yet
        metrics.roleChanged(1, null); // a pre-vote that found node1 alive: not a change
        metrics.roleChanged(1, "node1");
        assertThat(registry.get("boxoffice.raft.leader.changes").counter().count()).isZero();

        metrics.roleChanged(3, "node2");
        metrics.roleChanged(3, "node2");
        metrics.roleChanged(4, null);
        assertThat(registry.get("boxoffice.raft.leader.changes").counter().count()).isEqualTo(1);
    }
}
