package io.boxoffice.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.boxoffice.deploy.support.Chart;
import io.boxoffice.deploy.support.KubernetesSchema;
import io.boxoffice.deploy.support.Rendering;
import io.boxoffice.deploy.support.Repo;
import io.boxoffice.deploy.support.Yaml;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * deploy/ (kustomize) stays the chart: the base is exactly the chart's default render (with the Secrets
 * left to the user), less Helm's own labels and the namespace, and the production overlay only touches
 * objects, images, containers and Secrets that the base has.
 */
class KustomizeConsistencyTest {

    private static final Set<String> HELM_ONLY_LABELS = Set.of("helm.sh/chart", "app.kubernetes.io/managed-by");
    private static final Path BASE = Repo.deploy().resolve("base");
    private static final Path OVERLAY = Repo.deploy().resolve("overlays/production");
    private static final Path EXPECTED = Path.of("target/kustomize-base-expected").toAbsolutePath();

    @Test
    void the_base_is_the_default_chart_render_without_helm_labels() throws IOException {
        Map<String, Map<String, Object>> expected = expectedBase();
        Map<String, Map<String, Object>> actual = new TreeMap<>();
        for (Map<String, Object> object : baseObjects()) {
            actual.put(id(object), object);
        }

        if (!actual.equals(expected)) {
            writeExpectedBase(expected);
            List<String> differing = new ArrayList<>();
            expected.forEach((id, object) -> {
                if (!object.equals(actual.get(id))) {
                    differing.add(id);
                }
            });
            actual.keySet().stream().filter(id -> !expected.containsKey(id)).forEach(id -> differing.add(id + " (not rendered by the chart)"));
            throw new AssertionError("deploy/base differs from the chart render in " + differing + ". If the chart is right, "
                    + "take the new base: rm deploy/base/*.yaml && cp " + EXPECTED + "/*.yaml deploy/base/");
        }
    }

    @Test
    void every_object_of_the_base_is_valid_for_the_kubernetes_api() throws IOException {
        assertThat(KubernetesSchema.validate(baseObjects())).isEmpty();
    }

    @Test
    void the_overlay_builds_on_the_base_and_changes_only_what_the_base_has() throws IOException {
        Map<String, Object> kustomization = readYaml(OVERLAY.resolve("kustomization.yaml"));
        List<Map<String, Object>> base = baseObjects();

        assertThat(Yaml.<List<String>>at(kustomization, "resources")).contains("../../base");
        for (String resource : Yaml.<List<String>>at(kustomization, "resources")) {
            assertThat(OVERLAY.resolve(resource)).exists();
            if (resource.endsWith(".yaml")) {
                assertThat(KubernetesSchema.validate(Chart.parseManifests(Repo.read(OVERLAY.resolve(resource))))).isEmpty();
            }
        }

        Set<String> baseImages = base.stream().flatMap(o -> containers(o).stream())
                .map(c -> String.valueOf(c.get("image")).replaceAll(":[^/:]+$", "")).collect(Collectors.toSet());
        List<Map<String, Object>> images = Yaml.at(kustomization, "images");
        assertThat(images).extracting(i -> i.get("name")).allMatch(baseImages::contains);

        Set<String> baseSecretNames = base.stream().flatMap(o -> secretVolumes(o).stream()).collect(Collectors.toSet());
        List<Map<String, Object>> generated = Yaml.at(kustomization, "secretGenerator");
        assertThat(generated).extracting(g -> g.get("name")).containsExactlyInAnyOrderElementsOf(baseSecretNames);
        Map<String, Object> container = Yaml.at(findObject(base, "StatefulSet/boxoffice"), "spec.template.spec.containers[0]");
        Set<String> filesRead = Set.of(
                Path.of(String.valueOf(Yaml.env(container, "BOXOFFICE_AUTH_PRIVATE_KEY_FILE").get("value"))).getFileName().toString(),
                Path.of(String.valueOf(Yaml.env(container, "BOXOFFICE_AUTH_PUBLIC_KEY_FILE").get("value"))).getFileName().toString(),
                Path.of(String.valueOf(Yaml.env(container, "BOXOFFICE_PEER_TOKEN_FILE").get("value"))).getFileName().toString(),
                Path.of(String.valueOf(Yaml.env(container, "BOXOFFICE_AUTH_BOOTSTRAP_ADMIN_PASSWORD_FILE").get("value"))).getFileName().toString());
        Set<String> keysGenerated = generated.stream().flatMap(g -> Yaml.<List<String>>at(g, "files").stream())
                .map(f -> f.substring(0, f.indexOf('='))).collect(Collectors.toSet());
        assertThat(keysGenerated).isEqualTo(filesRead);

        for (Map<String, Object> patch : Yaml.<List<Map<String, Object>>>at(kustomization, "patches")) {
            checkPatch(patch, base);
        }
    }

    @Test
    void the_secrets_the_overlay_generates_stay_out_of_the_repository() throws IOException {
        assertThat(Repo.read(OVERLAY.resolve(".gitignore")).lines()).contains("secrets/");
        Path script = OVERLAY.resolve("generate-secrets.sh");
        assertThat(Files.isExecutable(script)).isTrue();
        assertThat(Repo.read(script)).contains("openssl genpkey -algorithm RSA").contains("-pubout").contains("peer-token").contains("admin-password");
    }

    @SuppressWarnings("unchecked")
    private static void checkPatch(Map<String, Object> patch, List<Map<String, Object>> base) throws IOException {
        String target = Yaml.at(patch, "target.kind") + "/" + Yaml.at(patch, "target.name");
        Map<String, Object> object = findObject(base, target);
        String text = Repo.read(OVERLAY.resolve(String.valueOf(patch.get("path"))));
        Object parsed = Chart.yaml().readValue(text, Object.class);
        if (parsed instanceof List<?> operations) {
            for (Object operation : operations) {
                Map<String, Object> op = (Map<String, Object>) operation;
                String path = String.valueOf(op.get("path"));
                String parent = path.substring(0, path.lastIndexOf('/'));
                assertThat(Yaml.has(object, pointerToPath(parent))).as("%s: %s of %s", patch.get("path"), parent, target).isTrue();
            }
        } else {
            Map<String, Object> strategic = (Map<String, Object>) parsed;
            assertThat(id(strategic)).isEqualTo(target);
            List<String> baseContainers = containers(object).stream().map(c -> String.valueOf(c.get("name"))).toList();
            for (Map<String, Object> container : containers(strategic)) {
                assertThat(baseContainers).contains(String.valueOf(container.get("name")));
            }
        }
    }

    private static String pointerToPath(String pointer) {
        StringBuilder path = new StringBuilder();
        for (String part : pointer.substring(1).split("/")) {
            if (part.matches("\\d+")) {
                path.append('[').append(part).append(']');
            } else {
                path.append(path.isEmpty() ? "" : ".").append(part);
            }
        }
        return path.toString();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> expectedBase() {
        Rendering rendering = Chart.render(Map.of(), List.of(Repo.deploy().resolve("verify/src/test/resources/kustomize-base-values.yaml")));
        Map<String, Map<String, Object>> expected = new TreeMap<>();
        for (Map<String, Object> object : rendering.objects()) {
            Map<String, Object> copy = Chart.yaml().convertValue(object, LinkedHashMap.class);
            Map<String, Object> metadata = (Map<String, Object>) copy.get("metadata");
            metadata.remove("namespace");
            stripHelmLabels(copy);
            expected.put(id(copy), copy);
        }
        return expected;
    }

    @SuppressWarnings("unchecked")
    private static void stripHelmLabels(Object node) {
        if (node instanceof Map<?, ?> map) {
            Object labels = map.get("labels");
            if (labels instanceof Map<?, ?> labelMap) {
                HELM_ONLY_LABELS.forEach(labelMap::remove);
            }
            map.values().forEach(KustomizeConsistencyTest::stripHelmLabels);
        } else if (node instanceof List<?> list) {
            list.forEach(KustomizeConsistencyTest::stripHelmLabels);
        }
    }

    private static void writeExpectedBase(Map<String, Map<String, Object>> expected) throws IOException {
        ObjectMapper writer = new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES).enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS).enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
                .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR));
        Files.createDirectories(EXPECTED);
        List<String> files = new ArrayList<>();
        for (Map<String, Object> object : expected.values()) {
            String file = (object.get("kind") + "-" + Yaml.at(object, "metadata.name")).toLowerCase() + ".yaml";
            files.add(file);
            Files.writeString(EXPECTED.resolve(file), "# Rendered from helm/boxoffice; KustomizeConsistencyTest keeps it identical.\n"
                    + writer.writeValueAsString(object));
        }
        StringBuilder kustomization = new StringBuilder("""
                # The Boxoffice objects for people who do not use Helm: the chart's default render (see
                # deploy/verify/src/test/resources/kustomize-base-values.yaml) less Helm's labels. The Secrets
                # boxoffice-jwt, boxoffice-peer and boxoffice-admin are not here: an overlay generates them (overlays/production).
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources:
                """);
        files.forEach(f -> kustomization.append("  - ").append(f).append('\n'));
        Files.writeString(EXPECTED.resolve("kustomization.yaml"), kustomization.toString());
    }

    private static List<Map<String, Object>> baseObjects() throws IOException {
        Map<String, Object> kustomization = readYaml(BASE.resolve("kustomization.yaml"));
        List<Map<String, Object>> objects = new ArrayList<>();
        for (String resource : Yaml.<List<String>>at(kustomization, "resources")) {
            objects.addAll(Chart.parseManifests(Repo.read(BASE.resolve(resource))));
        }
        return objects;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> readYaml(Path path) throws IOException {
        return Chart.yaml().readValue(Repo.read(path), Map.class);
    }

    private static Map<String, Object> findObject(List<Map<String, Object>> objects, String id) {
        return objects.stream().filter(o -> id(o).equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("the base has no " + id));
    }

    private static String id(Map<String, Object> object) {
        return object.get("kind") + "/" + Yaml.at(object, "metadata.name");
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> containers(Map<String, Object> object) {
        if (!Yaml.has(object, "spec.template.spec.containers")) {
            return List.of();
        }
        List<Map<String, Object>> all = new ArrayList<>(Yaml.<List<Map<String, Object>>>at(object, "spec.template.spec.containers"));
        if (Yaml.has(object, "spec.template.spec.initContainers")) {
            all.addAll(Yaml.at(object, "spec.template.spec.initContainers"));
        }
        return all;
    }

    @SuppressWarnings("unchecked")
    private static List<String> secretVolumes(Map<String, Object> object) {
        if (!Yaml.has(object, "spec.template.spec.volumes")) {
            return List.of();
        }
        List<Map<String, Object>> volumes = Yaml.at(object, "spec.template.spec.volumes");
        return volumes.stream().filter(v -> v.get("secret") instanceof Map<?, ?>)
                .map(v -> String.valueOf(((Map<String, Object>) v.get("secret")).get("secretName"))).toList();
    }
}
