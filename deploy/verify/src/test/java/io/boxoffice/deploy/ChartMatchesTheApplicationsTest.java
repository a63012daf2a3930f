package io.boxoffice.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxoffice.deploy.support.Chart;
import io.boxoffice.deploy.support.Rendering;
import io.boxoffice.deploy.support.Repo;
import io.boxoffice.deploy.support.Yaml;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The chart and the images speak the applications' language: every BOXOFFICE_* variable the chart sets is
 * a key of the service's {@code @ConfigMapping} (read from its source), and the containers' command, user
 * and ports are the ones the Dockerfiles provide.
 */
class ChartMatchesTheApplicationsTest {

    private static final Pattern INTERFACE = Pattern.compile("interface (\\w+) \\{");
    private static final Pattern ACCESSOR = Pattern.compile("^\\s+(?:Optional<[^>]+(?:<[^>]+>)?>|List<String>|[\\w.]+) (\\w+)\\(\\);", Pattern.MULTILINE);
    private static final Pattern PREFIX = Pattern.compile("@ConfigMapping\\(prefix = \"([^\"]+)\"\\)");

    @Test
    void every_booking_node_variable_is_a_key_of_its_configuration() {
        Set<String> known = environmentNames(Repo.root().resolve(
                "booking-node/src/main/java/io/boxoffice/booking/config/BoxofficeConfig.java"));
        Map<String, Object> container = Yaml.at(Chart.render(Map.of()).get("StatefulSet", "boxoffice"), "spec.template.spec.containers[0]");

        assertThat(known).contains("BOXOFFICE_NODE_ID", "BOXOFFICE_RAFT_TRANSFER_TIMEOUT_MILLIS", "BOXOFFICE_AUTH_PRIVATE_KEY_FILE");
        assertThat(boxofficeVariables(container)).isNotEmpty().allSatisfy(name -> assertThat(known).contains(name));
        assertThat(Yaml.<List<String>>at(container, "args").get(0)).contains("BOXOFFICE_JOIN");
        assertThat(known).contains("BOXOFFICE_JOIN");
    }

    @Test
    void every_llm_service_variable_is_a_key_of_its_configuration() {
        Set<String> known = environmentNames(Repo.root().resolve("llm-service/src/main/java/io/boxoffice/llm/config/LlmConfig.java"));
        Map<String, Object> container = Yaml.at(Chart.render(Map.of()).get("Deployment", "boxoffice-llm"), "spec.template.spec.containers[0]");

        assertThat(known).contains("BOXOFFICE_LLM_MODEL_DIR", "BOXOFFICE_LLM_SCHEDULER_BATCH_SIZE_MAX");
        assertThat(boxofficeVariables(container)).isNotEmpty().allSatisfy(name -> assertThat(known).contains(name));
        String properties = Repo.read(Repo.root().resolve("llm-service/src/main/resources/application.properties"));
        assertThat(properties).contains("quarkus.http.port=" + Yaml.env(container, "QUARKUS_HTTP_PORT").get("value"));
    }

    @Test
    void the_containers_run_what_the_dockerfiles_build() {
        Rendering rendering = Chart.render(Map.of());
        String bookingNode = Repo.read(Repo.root().resolve("booking-node/src/main/docker/Dockerfile.jvm"));
        String llmService = Repo.read(Repo.root().resolve("llm-service/src/main/docker/Dockerfile.jvm"));
        Map<String, Object> pod = Yaml.at(rendering.get("StatefulSet", "boxoffice"), "spec.template.spec");
        Map<String, Object> llmPod = Yaml.at(rendering.get("Deployment", "boxoffice-llm"), "spec.template.spec");

        for (String dockerfile : List.of(bookingNode, llmService)) {
            assertThat(dockerfile).contains("ARG BASE_IMAGE=debian:trixie-slim")
                    .contains("ENTRYPOINT [\"java\", \"-jar\", \"/deployments/quarkus-run.jar\"]")
                    .contains("COPY --from=java-runtime /opt/java /opt/java")
                    .contains("apt-get install -y --no-install-recommends curl")
                    .contains("HEALTHCHECK ");
            assertThat(lastUser(dockerfile)).isEqualTo("185");
        }
        // The chart replaces the command (to set BOXOFFICE_JOIN) and JDK_JAVA_OPTIONS: both must keep what the image does.
        assertThat(Yaml.<List<String>>at(pod, "containers[0].args").get(0)).contains("exec java -jar /deployments/quarkus-run.jar");
        String imageOptions = imageEnv(bookingNode, "JDK_JAVA_OPTIONS");
        String chartOptions = String.valueOf(Yaml.env(Yaml.at(pod, "containers[0]"), "JDK_JAVA_OPTIONS").get("value"));
        assertThat(imageOptions).contains("-XX:MaxRAMPercentage=29");
        // The image, the chart (below) and the local launcher run the node's JVM with the same collector settings.
        String launcher = Repo.read(Repo.root().resolve("boxoffice"));
        for (String option : List.of("-XX:MaxMetaspaceSize=160m", "-XX:-ClassUnloadingWithConcurrentMark",
                "-XX:+ExitOnOutOfMemoryError")) {
            assertThat(imageOptions).contains(option);
            assertThat(launcher).contains(option);
        }
        for (String option : imageOptions.split(" ")) {
            if (!option.startsWith("-XX:MaxRAMPercentage=")) {
                assertThat(chartOptions).as("the chart's JDK_JAVA_OPTIONS keep the image's").contains(option);
            }
        }
        assertThat(chartOptions).contains("-XX:MaxRAMPercentage=29 ");
        assertThat(Yaml.env(Yaml.at(pod, "containers[0]"), "MALLOC_ARENA_MAX").get("value"))
                .isEqualTo(imageEnv(bookingNode, "MALLOC_ARENA_MAX"));
        assertThat(Yaml.env(Yaml.at(pod, "containers[0]"), "BOXOFFICE_DATA_DIR").get("value"))
                .isEqualTo(imageEnv(bookingNode, "BOXOFFICE_DATA_DIR"));
        assertThat(Yaml.<Object>at(pod, "securityContext.runAsUser")).isEqualTo(185);
        assertThat(Yaml.<Object>at(llmPod, "securityContext.runAsUser")).isEqualTo(185);
        assertThat(bookingNode).contains("EXPOSE 8080 9000 7070");
        assertThat(llmService).contains("EXPOSE 8090");
        List<Map<String, Object>> ports = Yaml.at(pod, "containers[0].ports");
        assertThat(ports).extracting(p -> p.get("containerPort")).containsExactly(8080, 9000, 7070);
        assertThat(Yaml.<Object>at(llmPod, "containers[0].ports[0].containerPort")).isEqualTo(8090);
    }

    @Test
    void both_images_share_one_java_runtime_stage_and_their_build_contexts_hold_only_the_packaged_application() {
        String bookingNode = Repo.read(Repo.root().resolve("booking-node/src/main/docker/Dockerfile.jvm"));
        String llmService = Repo.read(Repo.root().resolve("llm-service/src/main/docker/Dockerfile.jvm"));

        assertThat(javaRuntimeStage(llmService)).isEqualTo(javaRuntimeStage(bookingNode)).contains("jlink --add-modules");
        for (String module : List.of("booking-node", "llm-service")) {
            List<String> rules = Repo.read(Repo.root().resolve(module + "/.dockerignore")).lines()
                    .filter(line -> !line.isBlank() && !line.startsWith("#")).toList();
            assertThat(rules).as(module + "/.dockerignore").containsExactly("*", "!target/quarkus-app/");
        }
    }

    /** The Dockerfile lines of the stage that builds /opt/java, without comments. */
    private static String javaRuntimeStage(String dockerfile) {
        int start = dockerfile.indexOf("FROM ${BASE_IMAGE} AS java-runtime");
        assertThat(start).as("the java-runtime stage").isNotNegative();
        int end = dockerfile.indexOf("\nFROM ", start + 1);
        return dockerfile.substring(start, end).lines().filter(line -> !line.startsWith("#")).collect(Collectors.joining("\n"));
    }

    /** The value an {@code ENV} instruction of the last stage gives {@code name} (quotes removed). */
    private static String imageEnv(String dockerfile, String name) {
        Matcher matcher = Pattern.compile("\\b" + name + "=(\"[^\"]*\"|\\S+)").matcher(dockerfile);
        String value = null;
        while (matcher.find()) {
            value = matcher.group(1).replace("\"", "");
        }
        assertThat(value).as(name + " in an ENV of the Dockerfile").isNotNull();
        return value;
    }

    private static String lastUser(String dockerfile) {
        String user = null;
        for (String line : dockerfile.lines().toList()) {
            if (line.startsWith("USER ")) {
                user = line.substring(5).trim();
            }
        }
        return user;
    }

    private static List<String> boxofficeVariables(Map<String, Object> container) {
        List<Map<String, Object>> env = Yaml.at(container, "env");
        List<String> names = new ArrayList<>();
        env.forEach(e -> names.add(String.valueOf(e.get("name"))));
        return names.stream().filter(n -> n.startsWith("BOXOFFICE_")).toList();
    }

    /**
     * The environment names of a {@code @ConfigMapping} interface: prefix, accessor path in kebab case, upper
     * case with '_' (boxoffice.raft.transfer-timeout-millis → BOXOFFICE_RAFT_TRANSFER_TIMEOUT_MILLIS).
     * Nested interfaces are reached through the accessor that returns them.
     */
    static Set<String> environmentNames(Path source) {
        String text = Repo.read(source);
        Matcher prefix = PREFIX.matcher(text);
        assertThat(prefix.find()).as("@ConfigMapping in %s", source).isTrue();
        Map<String, String> bodies = new java.util.LinkedHashMap<>();
        Matcher declaration = INTERFACE.matcher(text);
        List<int[]> spans = new ArrayList<>();
        List<String> names = new ArrayList<>();
        while (declaration.find()) {
            names.add(declaration.group(1));
            spans.add(new int[] {declaration.end(), 0});
        }
        for (int i = 0; i < names.size(); i++) {
            int start = spans.get(i)[0];
            int end = i + 1 < names.size() ? text.lastIndexOf("interface " + names.get(i + 1)) : text.length();
            bodies.put(names.get(i), text.substring(start, end));
        }
        Set<String> keys = new TreeSet<>();
        collect(bodies, names.get(0), prefix.group(1), keys);
        Set<String> environment = new TreeSet<>();
        keys.forEach(k -> environment.add(k.replaceAll("[.-]", "_").toUpperCase(Locale.ROOT)));
        return environment;
    }

    private static void collect(Map<String, String> bodies, String interfaceName, String prefix, Set<String> keys) {
        Matcher accessor = ACCESSOR.matcher(bodies.get(interfaceName));
        while (accessor.find()) {
            String method = accessor.group(1);
            String kebab = method.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
            String nested = Character.toUpperCase(method.charAt(0)) + method.substring(1);
            if (bodies.containsKey(nested) && !nested.equals(interfaceName)) {
                collect(bodies, nested, prefix + "." + kebab, keys);
            } else {
                keys.add(prefix + "." + kebab);
            }
        }
    }
}
