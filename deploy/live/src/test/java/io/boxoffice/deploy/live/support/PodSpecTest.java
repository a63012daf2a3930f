package io.boxoffice.deploy.live.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pod template of deploy/base becomes the docker run arguments a kubelet's settings correspond to. */
class PodSpecTest {

    private static final Path ROOT = Path.of(System.getProperty("boxoffice.repo.root", "../..")).toAbsolutePath().normalize();
    private static final Map<String, String> SECRETS = Map.of("data", "data-boxoffice-1", "jwt", "/s/jwt", "peer", "/s/peer",
            "admin", "/s/admin");

    @Test
    void the_booking_node_pod_runs_with_the_charts_user_security_limits_mounts_and_command() {
        PodSpec spec = PodSpec.of(ROOT.resolve("deploy/base/statefulset-boxoffice.yaml"));

        List<String> arguments = spec.dockerRunArguments("boxoffice-1", "default", "net", "10.0.0.5",
                List.of("boxoffice-1.boxoffice-headless.default.svc.cluster.local"), SECRETS, Map.of("EXTRA", "1"), Map.of("k", "v"));

        assertThat(String.join(" ", arguments)).contains("--name boxoffice-1 --hostname boxoffice-1 --network net --ip 10.0.0.5",
                "--network-alias boxoffice-1.boxoffice-headless.default.svc.cluster.local", "--user 185:185", "--read-only",
                "--security-opt no-new-privileges", "--cap-drop ALL", "--memory 768m", "--stop-timeout 30",
                "--tmpfs /tmp:rw,exec,nosuid,nodev,size=256m", "-v data-boxoffice-1:/var/lib/boxoffice ",
                "-v /s/jwt:/etc/boxoffice/jwt:ro", "-v /s/peer:/etc/boxoffice/peer:ro", "-v /s/admin:/etc/boxoffice/admin:ro",
                "--label k=v", "-e EXTRA=1", "--entrypoint /bin/sh " + spec.image() + " -c ");
        assertThat(arguments.getLast()).contains("exec java -jar /deployments/quarkus-run.jar");
        assertThat(spec.preStopCommand()).containsExactly("/bin/sh", "-c",
                "curl -fsS -X POST --max-time 10 http://127.0.0.1:8080/q/boxoffice/drain");
    }

    @Test
    void the_downward_api_and_dependent_variables_are_filled_in() {
        Map<String, String> environment = PodSpec.of(ROOT.resolve("deploy/base/statefulset-boxoffice.yaml"))
                .environment("boxoffice-3", "shop");

        assertThat(environment).containsEntry("BOXOFFICE_NODE_ID", "boxoffice-3").containsEntry("POD_NAMESPACE", "shop")
                .containsEntry("BOXOFFICE_PEER_HOST", "boxoffice-3.boxoffice-headless.shop.svc.cluster.local");
        assertThat(environment.get("BOXOFFICE_PEERS")).contains("boxoffice-0=boxoffice-0.boxoffice-headless.shop.svc.cluster.local:7070");
    }

    @Test
    void references_to_unknown_variables_stay_as_kubernetes_leaves_them_and_sizes_convert() {
        assertThat(PodSpec.expand("$(A)-$(B)", Map.of("A", "x"))).isEqualTo("x-$(B)");
        assertThat(PodSpec.dockerSize("768Mi")).isEqualTo("768m");
        assertThat(PodSpec.dockerSize("2Gi")).isEqualTo("2g");
        assertThatThrownBy(() -> PodSpec.dockerSize("1.5G")).hasMessageContaining("unsupported quantity");
    }

    @Test
    void a_volume_without_a_docker_source_is_refused() {
        PodSpec spec = PodSpec.of(ROOT.resolve("deploy/base/statefulset-boxoffice.yaml"));

        assertThatThrownBy(() -> spec.dockerRunArguments("boxoffice-0", "default", "net", "10.0.0.5", List.of(),
                Map.of("data", "d"), Map.of(), Map.of())).hasMessageContaining("no docker source given for volume 'jwt'");
    }
}
