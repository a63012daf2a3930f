package io.boxoffice.booking.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxoffice.booking.config.PeerSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class RegistrationTargetTest {

    private static final String DOMAIN = ".boxoffice-headless.shop.svc.cluster.local";
    private static final List<PeerSpec> KUBERNETES_PEERS = List.of(
            new PeerSpec("boxoffice-0", "boxoffice-0" + DOMAIN + ":7070"),
            new PeerSpec("boxoffice-1", "boxoffice-1" + DOMAIN + ":7070"),
            new PeerSpec("boxoffice-2", "boxoffice-2" + DOMAIN + ":7070"));

    @Test
    void when_in_kubernetes_then_each_bootstrap_member_is_asked_at_its_dns_name_and_the_grpc_port() {
        assertThat(RegistrationTarget.of(KUBERNETES_PEERS, List.of(), "boxoffice-3", 9000)).containsExactly(
                new RegistrationTarget("boxoffice-0", "boxoffice-0" + DOMAIN + ":9000"),
                new RegistrationTarget("boxoffice-1", "boxoffice-1" + DOMAIN + ":9000"),
                new RegistrationTarget("boxoffice-2", "boxoffice-2" + DOMAIN + ":9000"));
    }

    @Test
    void when_client_endpoints_are_configured_then_they_win_and_the_node_never_asks_itself() {
        List<PeerSpec> peers = List.of(new PeerSpec("node-1", "localhost:7071"), new PeerSpec("node-2", "localhost:7072"),
                new PeerSpec("node-4", "localhost:7074"));
        List<PeerSpec> endpoints = List.of(new PeerSpec("node-1", "localhost:9001"),
                new PeerSpec("node-2", "localhost:9002"), new PeerSpec("node-3", "localhost:9003"),
                new PeerSpec("node-4", "localhost:9004"));

        assertThat(RegistrationTarget.of(peers, endpoints, "node-4", 9000)).containsExactly(
                new RegistrationTarget("node-1", "localhost:9001"), new RegistrationTarget("node-2", "localhost:9002"),
                new RegistrationTarget("node-3", "localhost:9003"));
    }

    @Test
    void when_nothing_names_another_member_then_there_is_nobody_to_ask() {
        assertThat(RegistrationTarget.of(List.of(), List.of(), "node-4", 9000)).isEmpty();
        assertThat(RegistrationTarget.of(List.of(new PeerSpec("node-4", "localhost:7074")), List.of(), "node-4", 9000))
                .isEmpty();
    }
}
