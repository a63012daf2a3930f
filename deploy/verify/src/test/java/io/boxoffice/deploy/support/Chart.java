package io.boxoffice.deploy.support;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders helm/boxoffice in-process with helm-java (the Helm Go library through JNI, no binary) and
 * parses the manifests. {@code lookup} is answered by {@link KubernetesApiDouble} on loopback: it finds
 * nothing, as in {@code helm template}, unless a test stored a Secret there.
 */
public final class Chart {

    public static final String RELEASE = "boxoffice";
    public static final String NAMESPACE = "shop";
    /** The Kubernetes version the chart is rendered for (its kubeVersion floor is 1.27). */
    public static final String KUBE_VERSION = "v1.33.0";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private Chart() {
    }

    private static final Map<Map<String, String>, Rendering> CACHE = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Renders with {@code --set key=value} for each entry (Helm's --set typing: "true" is a boolean, "3" a
     * number). Renders of the same values are shared within the test JVM (each one generates a 4096-bit RSA
     * key, about half a second); tests about generated secrets use {@link #renderFresh}.
     */
    public static Rendering render(Map<String, String> sets) {
        return CACHE.computeIfAbsent(Map.copyOf(sets), Chart::renderFresh);
    }

    public static Rendering renderFresh(Map<String, String> sets) {
        return render(sets, List.of());
    }

    public static Rendering render(Map<String, String> sets, List<Path> valuesFiles) {
        KubernetesApiDouble.start();
        TemplateCommand command = new Helm(Repo.chart()).template()
                .withName(RELEASE).withNamespace(NAMESPACE).withKubeVersion(KUBE_VERSION);
        for (Path file : valuesFiles) {
            command = command.withValuesFile(file);
        }
        for (Map.Entry<String, String> set : sets.entrySet()) {
            command = command.set(set.getKey(), set.getValue());
        }
        return new Rendering(command.call());
    }

    /** Renders with the values of a YAML text (for values --set cannot express, such as lists of objects). */
    public static Rendering renderWithValues(String valuesYaml, Map<String, String> sets) {
        try {
            Path file = Files.createTempFile("boxoffice-values", ".yaml");
            try {
                Files.writeString(file, valuesYaml);
                return render(sets, List.of(file));
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The message of a failed render: what `helm template` prints, validateValues' list included. */
    public static String renderFailure(Map<String, String> sets) {
        try {
            Rendering rendering = renderFresh(sets);
            throw new AssertionError("the chart rendered although it should have refused the values " + sets
                    + "; objects: " + rendering.objects().size());
        } catch (IllegalStateException e) {
            return e.getMessage();
        }
    }

    public static List<Map<String, Object>> parseManifests(String text) {
        List<Map<String, Object>> objects = new ArrayList<>();
        try (MappingIterator<Map<String, Object>> documents = YAML.readerForMapOf(Object.class).readValues(text)) {
            while (documents.hasNext()) {
                Map<String, Object> document = documents.next();
                if (document != null && !document.isEmpty()) {
                    objects.add(new LinkedHashMap<>(document));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("rendered manifests are not YAML: " + e.getMessage(), e);
        }
        return objects;
    }

    public static ObjectMapper yaml() {
        return YAML;
    }
}
