package io.boxoffice.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxoffice.deploy.support.Chart;
import io.boxoffice.deploy.support.Kubectl;
import io.boxoffice.deploy.support.KubernetesSchema;
import io.boxoffice.deploy.support.Repo;
import io.boxoffice.deploy.support.Yaml;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code kubectl kustomize deploy/overlays/production} builds what {@code kubectl apply -k} would apply: on a copy
 * of deploy/ whose secrets/ were written by the overlay's own generate-secrets.sh (the repository never gets
 * secrets), every object lands in the overlay's namespace, the images point at the registry, both patches apply,
 * the pods mount the generated Secrets under their hashed names, every pod passes the namespace's "restricted"
 * Pod Security level, and every object is valid for the Kubernetes API. Needs kubectl (fails with where to get it).
 */
class ProductionOverlayBuildTest {

    private static final Path COPY = Path.of("target/kustomize-production").toAbsolutePath();
    private static final String NAMESPACE = "boxoffice";
    private static List<Map<String, Object>> objects;

    @BeforeAll
    static void build() throws Exception {
        deleteRecursively(COPY);
        copyRecursively(Repo.deploy().resolve("base"), COPY.resolve("base"));
        copyRecursively(Repo.deploy().resolve("overlays"), COPY.resolve("overlays"));
        Path secrets = COPY.resolve("overlays/production/secrets");
        deleteRecursively(secrets);
        Process generate = new ProcessBuilder("bash", COPY.resolve("overlays/production/generate-secrets.sh").toString())
                .redirectErrorStream(true).start();
        String generateOutput = new String(generate.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(generate.waitFor(120, TimeUnit.SECONDS)).as("generate-secrets.sh finishes").isTrue();
        assertThat(generate.exitValue()).as("generate-secrets.sh: %s", generateOutput).isZero();

        Kubectl.Result result = Kubectl.run(COPY, "kustomize", "overlays/production");
        assertThat(result.succeeded()).as("kubectl kustomize overlays/production:%n%s", result.stderr()).isTrue();
        objects = Chart.parseManifests(result.stdout());
    }

    @Test
    void every_object_is_valid_for_the_kubernetes_api_and_lives_in_the_overlays_namespace() {
        assertThat(objects).extracting(ProductionOverlayBuildTest::id).contains("Namespace/" + NAMESPACE,
                "StatefulSet/boxoffice", "Deployment/boxoffice-llm", "Service/boxoffice-headless", "PodDisruptionBudget/boxoffice");
        assertThat(KubernetesSchema.validate(objects)).isEmpty();
        for (Map<String, Object> object : objects) {
            if (!"Namespace".equals(object.get("kind"))) {
                assertThat(Yaml.<Object>at(object, "metadata.namespace")).as(id(object)).isEqualTo(NAMESPACE);
            }
        }
    }

    @Test
    void the_images_come_from_the_registry_and_the_patches_apply() {
        Map<String, Object> statefulSet = object("StatefulSet/boxoffice");
        Map<String, Object> node = Yaml.at(statefulSet, "spec.template.spec.containers[0]");
        assertThat(node.get("image")).isEqualTo("registry.example.com/boxoffice/booking-node:0.1.0");
        assertThat(Yaml.<Object>at(object("Deployment/boxoffice-llm"), "spec.template.spec.containers[0].image"))
                .isEqualTo("registry.example.com/boxoffice/llm-service:0.1.0");
        assertThat(Yaml.<Object>at(node, "resources.requests.cpu")).isEqualTo("1");
        assertThat(Yaml.<Object>at(node, "resources.limits.memory")).isEqualTo("1Gi");
        assertThat(Yaml.<Object>at(statefulSet, "spec.volumeClaimTemplates[0].spec.storageClassName")).isEqualTo("fast-ssd");
        assertThat(Yaml.<Object>at(statefulSet, "spec.volumeClaimTemplates[0].spec.resources.requests.storage")).isEqualTo("20Gi");
    }

    @Test
    void the_pods_mount_the_generated_secrets_which_hold_the_files_of_generate_secrets() throws IOException {
        Path secrets = COPY.resolve("overlays/production/secrets");
        Map<String, String> expected = Map.of("boxoffice-jwt/jwt-private.pem", "jwt-private.pem",
                "boxoffice-jwt/jwt-public.pem", "jwt-public.pem", "boxoffice-peer/token", "peer-token",
                "boxoffice-admin/password", "admin-password");
        List<Map<String, Object>> volumes = Yaml.at(object("StatefulSet/boxoffice"), "spec.template.spec.volumes");
        List<String> mounted = new ArrayList<>();
        volumes.stream().filter(volume -> volume.get("secret") != null)
                .forEach(volume -> mounted.add(String.valueOf(Yaml.<Object>at(volume, "secret.secretName"))));
        assertThat(mounted).hasSize(3);
        for (Map.Entry<String, String> entry : expected.entrySet()) {
            String prefix = entry.getKey().substring(0, entry.getKey().indexOf('/'));
            String key = entry.getKey().substring(prefix.length() + 1);
            Map<String, Object> secret = objects.stream().filter(o -> "Secret".equals(o.get("kind")))
                    .filter(o -> String.valueOf(Yaml.<Object>at(o, "metadata.name")).startsWith(prefix + "-")).findFirst()
                    .orElseThrow(() -> new AssertionError("no generated Secret " + prefix + "-<hash>"));
            String name = String.valueOf(Yaml.<Object>at(secret, "metadata.name"));
            assertThat(name).as("kustomize appends a content hash").matches(prefix + "-[a-z0-9]{10}");
            assertThat(mounted).as("the StatefulSet mounts the generated name").contains(name);
            Map<String, Object> data = Yaml.at(secret, "data");
            byte[] decoded = Base64.getMimeDecoder().decode(String.valueOf(data.get(key)));
            assertThat(decoded).as(entry.getKey()).isEqualTo(Files.readAllBytes(secrets.resolve(entry.getValue())));
        }
    }

    /** The namespace enforces pod-security "restricted": a pod that breaks it would be refused at creation. */
    @Test
    void every_pod_passes_the_restricted_pod_security_level_the_namespace_enforces() {
        assertThat(Yaml.<Map<String, Object>>at(object("Namespace/" + NAMESPACE), "metadata.labels"))
                .containsEntry("pod-security.kubernetes.io/enforce", "restricted");
        for (String workload : List.of("StatefulSet/boxoffice", "Deployment/boxoffice-llm")) {
            Map<String, Object> pod = Yaml.at(object(workload), "spec.template.spec");
            assertThat(Yaml.<Object>at(pod, "securityContext.runAsNonRoot")).as(workload).isEqualTo(true);
            assertThat(Yaml.<Object>at(pod, "securityContext.seccompProfile.type")).as(workload).isEqualTo("RuntimeDefault");
            List<Map<String, Object>> containers = new ArrayList<>(Yaml.<List<Map<String, Object>>>at(pod, "containers"));
            if (Yaml.has(pod, "initContainers")) {
                containers.addAll(Yaml.at(pod, "initContainers"));
            }
            for (Map<String, Object> container : containers) {
                String what = workload + " container " + container.get("name");
                assertThat(Yaml.<Object>at(container, "securityContext.allowPrivilegeEscalation")).as(what).isEqualTo(false);
                assertThat(Yaml.<List<String>>at(container, "securityContext.capabilities.drop")).as(what).contains("ALL");
                assertThat(Yaml.has(container, "securityContext.capabilities.add")).as(what).isFalse();
            }
        }
    }

    private static Map<String, Object> object(String id) {
        return objects.stream().filter(o -> id(o).equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("kubectl kustomize built no " + id));
    }

    private static String id(Map<String, Object> object) {
        return object.get("kind") + "/" + Yaml.at(object, "metadata.name");
    }

    private static void copyRecursively(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : paths.toList()) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
