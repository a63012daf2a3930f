package io.boxoffice.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.DryRun;
import com.marcnuri.helm.Helm;
import io.boxoffice.deploy.support.Chart;
import io.boxoffice.deploy.support.KubernetesApiDouble;
import io.boxoffice.deploy.support.KubernetesSchema;
import io.boxoffice.deploy.support.Rendering;
import io.boxoffice.deploy.support.Repo;
import io.boxoffice.deploy.support.Yaml;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The chart renders valid Kubernetes objects for the default values and several non-default sets. */
class ChartRenderTest {

    static Stream<Arguments> valueSets() {
        return Stream.of(
                Arguments.of("defaults", Map.of()),
                Arguments.of("five members, hard anti-affinity, monitoring, persistent model", ordered(
                        "replicaCount", "5", "podAntiAffinityPreset", "hard",
                        "metrics.serviceMonitor.enabled", "true", "metrics.serviceMonitor.labels.release", "kube-prometheus",
                        "metrics.prometheusRule.enabled", "true", "metrics.dashboards.enabled", "true",
                        "metrics.dashboards.namespace", "monitoring", "llm.model.persistence.enabled", "true",
                        "commonLabels.team", "tickets", "commonAnnotations.owner", "platform")),
                Arguments.of("single node, no assistant, no preStop", ordered(
                        "replicaCount", "1", "cluster.bootstrapMembers", "1", "persistence.enabled", "false",
                        "llm.enabled", "false", "preStop.enabled", "false", "serviceAccount.create", "false",
                        "metrics.podAnnotations", "false", "startupProbe.enabled", "false")),
                Arguments.of("existing secrets, model claim, registry and digest", ordered(
                        "auth.jwt.existingSecret", "shop-jwt", "auth.peer.existingSecret", "shop-peer",
                        "auth.bootstrapAdmin.existingSecret", "shop-admin", "llm.model.existingClaim", "distilgpt2-model", "llm.model.download.enabled", "false",
                        "image.registry", "registry.example.com", "image.digest", "sha256:" + "ab".repeat(32),
                        "fullnameOverride", "tickets", "service.type", "LoadBalancer", "persistence.storageClass", "fast-ssd")),
                Arguments.of("facts-only assistant", ordered(
                        "llm.model.download.enabled", "false", "llm.model.factsOnly", "true")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valueSets")
    void every_rendered_object_is_valid_for_the_kubernetes_api(String name, Map<String, String> sets) {
        Rendering rendering = Chart.render(sets);

        assertThat(rendering.objects()).isNotEmpty();
        assertThat(KubernetesSchema.validate(rendering.objects())).as("API problems of %s", rendering.ids()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valueSets")
    void the_disruption_budget_keeps_a_quorum_and_the_grace_period_covers_the_transfer(String name, Map<String, String> sets) {
        Rendering rendering = Chart.render(sets);
        Map<String, Object> statefulSet = rendering.ofKind("StatefulSet").get(0);
        int replicas = Yaml.at(statefulSet, "spec.replicas");
        Map<String, Object> pdb = rendering.ofKind("PodDisruptionBudget").get(0);

        int maxUnavailable = Yaml.at(pdb, "spec.maxUnavailable");
        assertThat(replicas - maxUnavailable).as("members left after the allowed disruptions").isGreaterThan(replicas / 2);
        assertThat(maxUnavailable).isEqualTo((replicas - 1) / 2);
        assertThat(Yaml.<Map<String, Object>>at(pdb, "spec.selector.matchLabels"))
                .isEqualTo(Yaml.at(statefulSet, "spec.selector.matchLabels"));

        int graceSeconds = Yaml.at(statefulSet, "spec.template.spec.terminationGracePeriodSeconds");
        Map<String, Object> container = Yaml.at(statefulSet, "spec.template.spec.containers[0]");
        long transferMillis = Long.parseLong(String.valueOf(Yaml.env(container, "BOXOFFICE_RAFT_TRANSFER_TIMEOUT_MILLIS").get("value")));
        assertThat(graceSeconds * 1000L).isGreaterThan(transferMillis);
    }

    @Test
    void defaults_give_a_three_member_statefulset_with_stable_peer_names() {
        Rendering rendering = Chart.render(Map.of());

        assertThat(rendering.ids()).containsExactlyInAnyOrder("StatefulSet/boxoffice", "Service/boxoffice",
                "Service/boxoffice-headless", "PodDisruptionBudget/boxoffice", "Secret/boxoffice-jwt",
                "Secret/boxoffice-peer", "Secret/boxoffice-admin", "ServiceAccount/boxoffice", "Deployment/boxoffice-llm", "Service/boxoffice-llm");
        Map<String, Object> statefulSet = rendering.get("StatefulSet", "boxoffice");
        assertThat(Yaml.<Object>at(statefulSet, "spec.replicas")).isEqualTo(3);
        assertThat(Yaml.<Object>at(statefulSet, "spec.podManagementPolicy")).isEqualTo("Parallel");
        assertThat(Yaml.<Object>at(statefulSet, "spec.serviceName")).isEqualTo("boxoffice-headless");
        assertThat(Yaml.<Object>at(statefulSet, "spec.volumeClaimTemplates[0].metadata.name")).isEqualTo("data");
        assertThat(Yaml.<Object>at(statefulSet, "spec.volumeClaimTemplates[0].spec.resources.requests.storage")).isEqualTo("8Gi");
        assertThat(Yaml.has(statefulSet,
                "spec.template.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution")).isTrue();

        Map<String, Object> container = Yaml.at(statefulSet, "spec.template.spec.containers[0]");
        assertThat(Yaml.<Object>at(Yaml.env(container, "BOXOFFICE_NODE_ID"), "valueFrom.fieldRef.fieldPath")).isEqualTo("metadata.name");
        assertThat(Yaml.env(container, "BOXOFFICE_PEERS").get("value")).isEqualTo(
                "boxoffice-0=boxoffice-0.boxoffice-headless.$(POD_NAMESPACE).svc.cluster.local:7070,"
                        + "boxoffice-1=boxoffice-1.boxoffice-headless.$(POD_NAMESPACE).svc.cluster.local:7070,"
                        + "boxoffice-2=boxoffice-2.boxoffice-headless.$(POD_NAMESPACE).svc.cluster.local:7070");
        assertThat(Yaml.env(container, "BOXOFFICE_PEER_HOST").get("value"))
                .isEqualTo("$(BOXOFFICE_NODE_ID).boxoffice-headless.$(POD_NAMESPACE).svc.cluster.local");
        assertThat(Yaml.env(container, "BOXOFFICE_ASSISTANT_ADDRESS").get("value")).isEqualTo("boxoffice-llm:8090");
        assertThat(Yaml.env(container, "BOXOFFICE_DEMO_DATA").get("value")).isEqualTo("false");
        assertThat(Yaml.env(container, "BOXOFFICE_DATA_DIR").get("value")).isEqualTo("/var/lib/boxoffice/data");
        assertThat(envNames(container)).as("Kubernetes expands $(VAR) only from variables defined earlier")
                .containsSubsequence("POD_NAMESPACE", "BOXOFFICE_NODE_ID", "BOXOFFICE_PEERS", "BOXOFFICE_PEER_HOST");

        assertThat(Yaml.<Object>at(container, "startupProbe.httpGet.path")).isEqualTo("/q/health/started");
        assertThat(Yaml.<Object>at(container, "livenessProbe.httpGet.path")).isEqualTo("/q/health/live");
        assertThat(Yaml.<Object>at(container, "readinessProbe.httpGet.path")).isEqualTo("/q/health/ready");
        assertThat(String.join(" ", Yaml.<List<String>>at(container, "lifecycle.preStop.exec.command")))
                .contains("curl -fsS -X POST --max-time 10 http://127.0.0.1:8080/q/boxoffice/drain");
        assertThat(Yaml.<Object>at(container, "securityContext.readOnlyRootFilesystem")).isEqualTo(true);
        assertThat(Yaml.<Object>at(statefulSet, "spec.template.spec.securityContext.runAsNonRoot")).isEqualTo(true);

        Map<String, Object> headless = rendering.get("Service", "boxoffice-headless");
        assertThat(Yaml.<Object>at(headless, "spec.clusterIP")).isEqualTo("None");
        assertThat(Yaml.<Object>at(headless, "spec.publishNotReadyAddresses")).isEqualTo(true);
        assertThat(servicePorts(headless)).containsEntry("peer", 7070).containsEntry("grpc", 9000).containsEntry("http", 8080);
        assertThat(servicePorts(rendering.get("Service", "boxoffice"))).containsExactlyInAnyOrderEntriesOf(Map.of("grpc", 9000, "http", 8080));
        assertThat(Yaml.<Object>at(rendering.get("PodDisruptionBudget", "boxoffice"), "spec.maxUnavailable")).isEqualTo(1);
    }

    @Test
    void pods_above_the_bootstrap_members_join_as_learners() {
        Map<String, Object> container = Yaml.at(Chart.render(Map.of("replicaCount", "5")).get("StatefulSet", "boxoffice"),
                "spec.template.spec.containers[0]");

        assertThat(Yaml.env(container, "BOXOFFICE_PEERS").get("value").toString().split(",")).hasSize(3);
        assertThat(Yaml.env(container, "CLUSTER_BOOTSTRAP_MEMBERS").get("value")).isEqualTo("3");
        assertThat(Yaml.<List<String>>at(container, "args").get(0))
                .contains("ordinal=\"${BOXOFFICE_NODE_ID##*-}\"")
                .contains("if [ \"$ordinal\" -ge \"$CLUSTER_BOOTSTRAP_MEMBERS\" ]; then export BOXOFFICE_JOIN=true; fi")
                .contains("exec java -jar /deployments/quarkus-run.jar");
    }

    @Test
    void the_assistant_downloads_distilgpt2_into_its_model_volume() {
        Map<String, Object> deployment = Chart.render(Map.of()).get("Deployment", "boxoffice-llm");

        Map<String, Object> init = Yaml.at(deployment, "spec.template.spec.initContainers[0]");
        assertThat(Yaml.env(init, "MODEL_FILES").get("value")).isEqualTo("config.json model.safetensors vocab.json merges.txt");
        assertThat(Yaml.env(init, "HF_REPOSITORY").get("value")).isEqualTo("distilbert/distilgpt2");
        assertThat(Yaml.<List<String>>at(init, "args").get(0)).contains("\"$HF_ENDPOINT/$HF_REPOSITORY/resolve/$HF_REVISION/$file\"");
        Map<String, Object> container = Yaml.at(deployment, "spec.template.spec.containers[0]");
        assertThat(Yaml.env(container, "BOXOFFICE_LLM_MODEL_DIR").get("value")).isEqualTo("/models/distilgpt2");
        assertThat(Yaml.<Object>at(container, "readinessProbe.httpGet.path")).isEqualTo("/q/health/ready");
        assertThat(Yaml.has(deployment, "spec.template.spec.volumes[0].emptyDir")).isTrue();
    }

    @Test
    void without_a_model_source_the_assistant_runs_facts_only_and_without_the_assistant_ask_has_no_address() {
        Map<String, Object> factsOnly = Chart.render(ordered("llm.model.download.enabled", "false", "llm.model.factsOnly", "true"))
                .get("Deployment", "boxoffice-llm");
        assertThat(Yaml.has(factsOnly, "spec.template.spec.initContainers")).isFalse();

        Rendering withoutAssistant = Chart.render(Map.of("llm.enabled", "false"));
        assertThat(withoutAssistant.ids()).noneMatch(id -> id.contains("llm"));
        Map<String, Object> container = Yaml.at(withoutAssistant.get("StatefulSet", "boxoffice"), "spec.template.spec.containers[0]");
        assertThat(envNames(container)).doesNotContain("BOXOFFICE_ASSISTANT_ADDRESS");
    }

    @Test
    void existing_secrets_and_claims_are_used_instead_of_the_charts_own() {
        Rendering rendering = Chart.render(ordered("auth.jwt.existingSecret", "shop-jwt", "auth.peer.existingSecret", "shop-peer",
                "auth.bootstrapAdmin.existingSecret", "shop-admin", "llm.model.existingClaim", "distilgpt2-model", "llm.model.download.enabled", "false",
                "image.registry", "registry.example.com", "image.digest", "sha256:" + "ab".repeat(32)));

        assertThat(rendering.ofKind("Secret")).isEmpty();
        Map<String, Object> pod = Yaml.at(rendering.get("StatefulSet", "boxoffice"), "spec.template.spec");
        assertThat(Yaml.<Object>at(pod, "volumes[0].secret.secretName")).isEqualTo("shop-jwt");
        assertThat(Yaml.<Object>at(pod, "volumes[1].secret.secretName")).isEqualTo("shop-peer");
        assertThat(Yaml.<Object>at(pod, "volumes[2].secret.secretName")).isEqualTo("shop-admin");
        assertThat(Yaml.<Object>at(pod, "containers[0].image")).isEqualTo("registry.example.com/boxoffice/booking-node@sha256:" + "ab".repeat(32));
        assertThat(Yaml.<Object>at(rendering.get("Deployment", "boxoffice-llm"), "spec.template.spec.volumes[0].persistentVolumeClaim.claimName"))
                .isEqualTo("distilgpt2-model");
    }

    @Test
    void monitoring_objects_carry_the_alert_rules_and_dashboards_of_grafana() throws Exception {
        Rendering rendering = Chart.render(ordered("metrics.serviceMonitor.enabled", "true",
                "metrics.prometheusRule.enabled", "true", "metrics.dashboards.enabled", "true"));

        assertThat(rendering.ofKind("ServiceMonitor")).extracting(o -> Yaml.<Object>at(o, "spec.endpoints[0].path"))
                .containsExactly("/q/metrics", "/q/metrics");
        for (Map<String, Object> monitor : rendering.ofKind("ServiceMonitor")) {
            Map<String, Object> selector = Yaml.at(monitor, "spec.selector.matchLabels");
            List<String> scraped = rendering.ofKind("Service").stream()
                    .filter(s -> Yaml.<Map<String, Object>>at(s, "metadata.labels").entrySet().containsAll(selector.entrySet()))
                    .map(s -> Yaml.<String>at(s, "metadata.name")).toList();
            assertThat(scraped).as("Services selected by %s", Yaml.<Object>at(monitor, "metadata.name")).hasSize(1);
        }
        Map<String, Object> rules = Chart.yaml().readValue(Repo.read(Repo.grafana().resolve("alerts/boxoffice-alerts.yaml")), Map.class);
        assertThat(Yaml.<Object>at(rendering.ofKind("PrometheusRule").get(0), "spec.groups")).isEqualTo(rules.get("groups"));

        Map<String, Object> dashboards = rendering.get("ConfigMap", "boxoffice-dashboards");
        assertThat(Yaml.<Object>at(dashboards, "metadata.labels.grafana_dashboard")).isEqualTo("1");
        Map<String, Object> data = Yaml.at(dashboards, "data");
        try (Stream<java.nio.file.Path> files = java.nio.file.Files.list(Repo.grafana().resolve("dashboards"))) {
            Map<String, Object> expected = new LinkedHashMap<>();
            files.forEach(f -> expected.put(f.getFileName().toString(), Repo.read(f).stripTrailing()));
            assertThat(data).isEqualTo(expected);
        }
    }

    @Test
    void the_install_notes_show_the_grpcurl_and_failover_commands() {
        KubernetesApiDouble.start();
        String notes = new Helm(Repo.chart()).install().withName(Chart.RELEASE).withNamespace(Chart.NAMESPACE)
                .withKubeVersion(Chart.KUBE_VERSION).dryRun().withDryRunOption(DryRun.CLIENT).clientOnly().call().getOutput();

        assertThat(notes).contains("kubectl -n shop port-forward svc/boxoffice 9000:9000")
                .contains("grpcurl -plaintext localhost:9000 list")
                .contains("kubectl -n shop delete pod boxoffice-0")
                .contains("kubectl -n shop get pods -l app.kubernetes.io/component=booking-node -w")
                .contains("boxoffice.v1.ClusterService/GetClusterStatus")
                .contains("boxoffice.v1.ClusterService/RemoveMember");
    }

    private static List<String> envNames(Map<String, Object> container) {
        List<Map<String, Object>> env = Yaml.at(container, "env");
        return env.stream().map(e -> String.valueOf(e.get("name"))).toList();
    }

    private static Map<String, Object> servicePorts(Map<String, Object> service) {
        List<Map<String, Object>> ports = Yaml.at(service, "spec.ports");
        Map<String, Object> byName = new LinkedHashMap<>();
        ports.forEach(p -> byName.put(String.valueOf(p.get("name")), p.get("port")));
        return byName;
    }

    static Map<String, String> ordered(String... keyValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put(keyValues[i], keyValues[i + 1]);
        }
        return map;
    }
}
