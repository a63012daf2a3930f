package io.boxoffice.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxoffice.deploy.support.Chart;
import io.boxoffice.deploy.support.KubernetesSchema;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The offline API validation has teeth: each kind of mistake it exists for is reported. */
class KubernetesSchemaTest {

    private static final String SERVICE = """
            apiVersion: v1
            kind: Service
            metadata:
              name: boxoffice
              labels: {app.kubernetes.io/name: boxoffice}
            spec:
              ports:
                - {name: grpc, port: 9000, targetPort: grpc}
              selector: {app.kubernetes.io/name: boxoffice}
            """;

    @Test
    void a_valid_service_passes() {
        assertThat(KubernetesSchema.validate(Chart.parseManifests(SERVICE))).isEmpty();
    }

    @Test
    void an_unknown_field_is_refused_at_any_depth() {
        assertThat(problems(SERVICE.replace("port: 9000", "port: 9000, targetport: 9000")))
                .anyMatch(p -> p.contains("targetport") && p.contains("not defined"));
        assertThat(problems(SERVICE.replace("spec:", "specification: {}\nspec:"))).anyMatch(p -> p.contains("specification"));
    }

    @Test
    void a_missing_required_field_is_refused() {
        assertThat(problems(SERVICE.replace("port: 9000, ", ""))).anyMatch(p -> p.contains("port") && p.contains("required"));
    }

    @Test
    void a_wrong_type_is_refused() {
        assertThat(problems(SERVICE.replace("port: 9000", "port: nine-thousand"))).isNotEmpty();
        assertThat(problems(SERVICE.replace("selector: {app.kubernetes.io/name: boxoffice}", "selector: [boxoffice]"))).isNotEmpty();
    }

    @Test
    void rules_of_the_api_server_beyond_the_openapi_schema_are_checked() {
        assertThat(problems(SERVICE.replace("name: grpc,", "name: grpc-public-api-port,"))).anyMatch(p -> p.contains("IANA"));
        assertThat(problems(SERVICE.replace("name: boxoffice\n", "name: Boxoffice_Node\n"))).anyMatch(p -> p.contains("DNS label"));
        assertThat(problems(SERVICE.replace("labels: {app.kubernetes.io/name: boxoffice}", "labels: {replicas: 3}")))
                .anyMatch(p -> p.contains("label value"));
        assertThat(problems(SERVICE.replace("kind: Service", "kind: Sevrice"))).anyMatch(p -> p.contains("unknown kind"));
    }

    @Test
    void a_workload_whose_selector_misses_its_pods_or_mounts_a_missing_volume_is_refused() {
        String deployment = """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: llm}
                spec:
                  selector: {matchLabels: {app: llm}}
                  template:
                    metadata: {labels: {app: assistant}}
                    spec:
                      containers:
                        - name: llm
                          image: llm:1
                          ports: [{name: http, containerPort: 8090}]
                          readinessProbe: {httpGet: {path: /q/health/ready, port: grpc}}
                          volumeMounts: [{name: model, mountPath: /models}]
                """;
        assertThat(problems(deployment))
                .anyMatch(p -> p.contains("does not match the pod template"))
                .anyMatch(p -> p.contains("does not declare"))
                .anyMatch(p -> p.contains("does not define"));
    }

    private static List<String> problems(String yaml) {
        List<Map<String, Object>> objects = Chart.parseManifests(yaml);
        return KubernetesSchema.validate(objects);
    }
}
