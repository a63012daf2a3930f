package io.boxoffice.testkit.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReadinessTest {

    @Test
    void the_raft_data_of_the_readiness_check_is_read() {
        String body = """
                {"status":"UP","checks":[{"name":"raft-ready","status":"UP","data":{"nodeId":"node2",
                "role":"LEADER","term":3,"leaderId":"node2","commitIndex":41,"appliedIndex":40}}]}""";
        Readiness readiness = Readiness.parse(200, body);
        assertThat(readiness).isEqualTo(new Readiness(true, "node2", "LEADER", "node2", 41, 40));
        assertThat(readiness.isLeader()).isTrue();
    }

    @Test
    void a_down_node_without_raft_data_or_with_no_json_is_not_ready() {
        assertThat(Readiness.parse(503, """
                {"status":"DOWN","checks":[{"name":"raft-ready","status":"DOWN","data":{"reason":"shutting down"}}]}"""))
                .isEqualTo(new Readiness(false, "", "", "", -1, -1));
        assertThat(Readiness.parse(502, "<html>bad gateway</html>").up()).isFalse();
    }
}
