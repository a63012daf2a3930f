package io.boxoffice.cli.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EndpointAndSessionTest {

    @Test
    void node_lists_take_addresses_with_or_without_member_ids() {
        List<Endpoint> endpoints = Endpoint.parseList("node1=127.0.0.1:9101, 127.0.0.1:9102,[::1]:9103");
        assertThat(endpoints).containsExactly(new Endpoint(Optional.of("node1"), "127.0.0.1", 9101),
                new Endpoint(Optional.empty(), "127.0.0.1", 9102), new Endpoint(Optional.empty(), "::1", 9103));
    }

    @Test
    void malformed_node_lists_say_what_is_wrong() {
        assertThatThrownBy(() -> Endpoint.parseList("localhost")).hasMessageContaining("host:port");
        assertThatThrownBy(() -> Endpoint.parseList("a:99999")).hasMessageContaining("between 1 and 65535");
        assertThatThrownBy(() -> Endpoint.parseList("a:x")).hasMessageContaining("not a number");
        assertThatThrownBy(() -> Endpoint.parseList("=a:1")).hasMessageContaining("id before '='");
        assertThatThrownBy(() -> Endpoint.parseList("a:1,a:1")).hasMessageContaining("twice");
        assertThatThrownBy(() -> Endpoint.parseList(" , ")).hasMessageContaining("no node address");
    }

    @Test
    void the_node_list_comes_from_the_flag_then_the_environment_then_the_launcher_file(@TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("nodes");
        Files.writeString(file, "node1=127.0.0.1:9601\nnode2=127.0.0.1:9602\n");
        assertThat(NodeList.resolve("h:1", Map.of("BOOKINGCTL_NODES", "h:2"))).extracting(Endpoint::port).containsExactly(1);
        assertThat(NodeList.resolve(null, Map.of("BOOKINGCTL_NODES", "h:2", "BOOKINGCTL_NODES_FILE", file.toString())))
                .extracting(Endpoint::port).containsExactly(2);
        assertThat(NodeList.resolve(null, Map.of("BOOKINGCTL_NODES_FILE", file.toString())))
                .extracting(Endpoint::port).containsExactly(9601, 9602);
        assertThat(NodeList.resolve(null, Map.of())).extracting(Endpoint::port).containsExactly(9101, 9102, 9103);
    }

    @Test
    void the_session_is_stored_for_its_owner_only_and_read_back(@TempDir Path dir) throws Exception {
        SessionStore store = SessionStore.fromEnvironment(Map.of("BOOKINGCTL_CONFIG_DIR", dir.resolve("cfg").toString()));
        Session session = new Session("tok.en.x", "user1", "usr_1", List.of("user", "admin"), 1_700_000_000_000L);
        store.save(session);

        assertThat(store.load()).contains(session);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.file()))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.file().getParent())))
                .isEqualTo("rwx------");
        assertThat(store.clear()).isTrue();
        assertThat(store.load()).isEmpty();
        assertThat(store.clear()).isFalse();
    }

    @Test
    void the_default_session_file_is_under_the_config_home() {
        assertThat(SessionStore.fromEnvironment(Map.of("XDG_CONFIG_HOME", "/x")).file())
                .isEqualTo(Path.of("/x/bookingctl/session"));
        assertThat(SessionStore.fromEnvironment(Map.of()).file().toString()).endsWith(".config/bookingctl/session");
    }
}
