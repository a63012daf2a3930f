package io.boxoffice.deploy.support;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1PersistentVolumeClaim;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceAccount;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Validates rendered objects against the Kubernetes API, offline.
 *
 * <p>The structure comes from the official Kubernetes Java client's models ({@code io.kubernetes:client-java-api}),
 * generated from the upstream OpenAPI specification: {@code validateJsonElement} refuses any field the API
 * does not define and any missing required field, at every depth, and Gson then refuses wrong types. That is
 * sturdier than fabric8's models, which keep unknown fields in {@code additionalProperties} instead of failing.
 * On top, the rules the API server checks that the OpenAPI schema cannot express (names, label values, port
 * names, selectors matching the pod template) are checked here.
 *
 * <p>The Prometheus Operator's kinds (ServiceMonitor, PrometheusRule) are not part of the Kubernetes API; their
 * few fields are checked by {@link #validateMonitoringObject}.
 */
public final class KubernetesSchema {

    private static final Map<String, Class<?>> MODELS = Map.of(
            "v1/Service", V1Service.class,
            "v1/Secret", V1Secret.class,
            "v1/ConfigMap", V1ConfigMap.class,
            "v1/Namespace", V1Namespace.class,
            "v1/ServiceAccount", V1ServiceAccount.class,
            "v1/PersistentVolumeClaim", V1PersistentVolumeClaim.class,
            "apps/v1/StatefulSet", V1StatefulSet.class,
            "apps/v1/Deployment", V1Deployment.class,
            "policy/v1/PodDisruptionBudget", V1PodDisruptionBudget.class);

    private static final Set<String> MONITORING_KINDS = Set.of("ServiceMonitor", "PrometheusRule");
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern LABEL_VALUE = Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");
    private static final Pattern LABEL_NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
    private static final Pattern PORT_NAME = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern ENV_NAME = Pattern.compile("[-._a-zA-Z][-._a-zA-Z0-9]*");
    private static final ObjectMapper JSON_MAPPER = new ObjectMapper();

    private KubernetesSchema() {
    }

    /** Every problem of every object; empty when all are valid. */
    public static List<String> validate(List<Map<String, Object>> objects) {
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> object : objects) {
            problems.addAll(validate(object));
        }
        return problems;
    }

    public static List<String> validate(Map<String, Object> object) {
        String id = object.get("kind") + "/" + (Yaml.has(object, "metadata.name") ? Yaml.at(object, "metadata.name") : "?");
        List<String> problems = new ArrayList<>();
        String type = object.get("apiVersion") + "/" + object.get("kind");
        if (MONITORING_KINDS.contains(String.valueOf(object.get("kind")))
                && "monitoring.coreos.com/v1".equals(object.get("apiVersion"))) {
            validateMonitoringObject(object, problems);
        } else if (!MODELS.containsKey(type)) {
            problems.add("unknown kind " + type + " (add its model to KubernetesSchema if it is meant to be rendered)");
        } else {
            validateModel(MODELS.get(type), object, problems);
            validateApiRules(object, problems);
        }
        return problems.stream().map(p -> id + ": " + p).toList();
    }

    private static void validateModel(Class<?> model, Map<String, Object> object, List<String> problems) {
        String json;
        try {
            json = JSON_MAPPER.writeValueAsString(object);
        } catch (JsonProcessingException e) {
            problems.add("cannot be written as JSON: " + e.getMessage());
            return;
        }
        JsonElement element = JsonParser.parseString(json);
        try {
            model.getMethod("validateJsonElement", JsonElement.class).invoke(null, element);
            JSON.deserialize(json, model);
        } catch (InvocationTargetException e) {
            problems.add(String.valueOf(e.getCause().getMessage()).replaceAll(" JSON: .*", ""));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the model " + model + " has no validateJsonElement", e);
        } catch (RuntimeException e) {
            problems.add(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static void validateApiRules(Map<String, Object> object, List<String> problems) {
        String kind = String.valueOf(object.get("kind"));
        String name = Yaml.has(object, "metadata.name") ? Yaml.at(object, "metadata.name") : "";
        boolean labelName = Set.of("Service", "StatefulSet", "Deployment", "Namespace").contains(kind);
        if (!(labelName ? DNS_LABEL : DNS_SUBDOMAIN).matcher(name).matches() || name.length() > (labelName ? 63 : 253)) {
            problems.add("metadata.name '" + name + "' is not a valid " + (labelName ? "DNS label" : "DNS subdomain"));
        }
        checkLabels(Yaml.has(object, "metadata.labels") ? Yaml.at(object, "metadata.labels") : Map.of(), "metadata.labels", problems);
        if (kind.equals("Service")) {
            List<Map<String, Object>> ports = Yaml.at(object, "spec.ports");
            for (Map<String, Object> port : ports) {
                checkPortName(String.valueOf(port.get("name")), problems);
            }
        }
        if (kind.equals("StatefulSet") || kind.equals("Deployment")) {
            Map<String, Object> selector = Yaml.at(object, "spec.selector.matchLabels");
            Map<String, Object> podLabels = Yaml.at(object, "spec.template.metadata.labels");
            checkLabels(podLabels, "spec.template.metadata.labels", problems);
            selector.forEach((key, value) -> {
                if (!value.equals(podLabels.get(key))) {
                    problems.add("spec.selector " + key + "=" + value + " does not match the pod template labels");
                }
            });
            checkPodSpec(object, Yaml.at(object, "spec.template.spec"), problems);
        }
    }

    @SuppressWarnings("unchecked")
    private static void checkPodSpec(Map<String, Object> workload, Map<String, Object> pod, List<String> problems) {
        List<String> volumes = new ArrayList<>();
        if (pod.get("volumes") instanceof List<?> list) {
            list.forEach(v -> volumes.add(String.valueOf(((Map<String, Object>) v).get("name"))));
        }
        if (Yaml.has(workload, "spec.volumeClaimTemplates")) {
            List<Map<String, Object>> claims = Yaml.at(workload, "spec.volumeClaimTemplates");
            claims.forEach(c -> volumes.add(Yaml.at(c, "metadata.name")));
        }
        List<Map<String, Object>> containers = new ArrayList<>((List<Map<String, Object>>) pod.get("containers"));
        if (pod.get("initContainers") instanceof List<?> init) {
            containers.addAll((List<Map<String, Object>>) init);
        }
        for (Map<String, Object> container : containers) {
            String containerName = String.valueOf(container.get("name"));
            if (!DNS_LABEL.matcher(containerName).matches()) {
                problems.add("container name '" + containerName + "' is not a DNS label");
            }
            List<String> portNames = new ArrayList<>();
            if (container.get("ports") instanceof List<?> ports) {
                for (Object port : ports) {
                    String portName = String.valueOf(((Map<String, Object>) port).get("name"));
                    checkPortName(portName, problems);
                    portNames.add(portName);
                }
            }
            for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
                if (container.get(probe) instanceof Map<?, ?> p && p.get("httpGet") instanceof Map<?, ?> get
                        && get.get("port") instanceof String named && !portNames.contains(named)) {
                    problems.add(containerName + "." + probe + " uses port '" + named + "', which the container does not declare");
                }
            }
            if (container.get("env") instanceof List<?> env) {
                for (Object variable : env) {
                    String envName = String.valueOf(((Map<String, Object>) variable).get("name"));
                    if (!ENV_NAME.matcher(envName).matches()) {
                        problems.add(containerName + " env name '" + envName + "' is invalid");
                    }
                }
            }
            if (container.get("volumeMounts") instanceof List<?> mounts) {
                for (Object mount : mounts) {
                    String volume = String.valueOf(((Map<String, Object>) mount).get("name"));
                    if (!volumes.contains(volume)) {
                        problems.add(containerName + " mounts volume '" + volume + "', which the pod does not define");
                    }
                }
            }
        }
    }

    private static void checkPortName(String name, List<String> problems) {
        if (name.length() > 15 || !PORT_NAME.matcher(name).matches() || !name.matches(".*[a-z].*")) {
            problems.add("port name '" + name + "' is not an IANA service name (at most 15 lower-case letters, digits, '-')");
        }
    }

    private static void checkLabels(Map<String, Object> labels, String where, List<String> problems) {
        labels.forEach((key, value) -> {
            String nameOnly = key.contains("/") ? key.substring(key.indexOf('/') + 1) : key;
            if (!LABEL_NAME.matcher(nameOnly).matches() || nameOnly.length() > 63) {
                problems.add(where + " key '" + key + "' is invalid");
            }
            String text = String.valueOf(value);
            if (!(value instanceof String) || !LABEL_VALUE.matcher(text).matches() || text.length() > 63) {
                problems.add(where + " " + key + "='" + text + "' is not a valid label value (a string of at most 63 characters)");
            }
        });
    }

    /** The fields of ServiceMonitor and PrometheusRule (monitoring.coreos.com/v1) that the chart uses. */
    private static void validateMonitoringObject(Map<String, Object> object, List<String> problems) {
        Set<String> top = Set.of("apiVersion", "kind", "metadata", "spec");
        object.keySet().stream().filter(k -> !top.contains(k)).forEach(k -> problems.add("unknown field " + k));
        checkLabels(Yaml.at(object, "metadata.labels"), "metadata.labels", problems);
        Map<String, Object> spec = Yaml.at(object, "spec");
        if (object.get("kind").equals("ServiceMonitor")) {
            Set<String> known = Set.of("jobLabel", "selector", "namespaceSelector", "endpoints");
            spec.keySet().stream().filter(k -> !known.contains(k)).forEach(k -> problems.add("unknown field spec." + k));
            List<Map<String, Object>> endpoints = Yaml.at(object, "spec.endpoints");
            Set<String> endpointFields = Set.of("port", "path", "interval", "scheme");
            for (Map<String, Object> endpoint : endpoints) {
                endpoint.keySet().stream().filter(k -> !endpointFields.contains(k))
                        .forEach(k -> problems.add("unknown field spec.endpoints[]." + k));
                if (!(endpoint.get("port") instanceof String)) {
                    problems.add("spec.endpoints[].port must name a Service port");
                }
            }
            if (!Yaml.has(object, "spec.selector.matchLabels")) {
                problems.add("spec.selector.matchLabels is required");
            }
        } else {
            List<Map<String, Object>> groups = Yaml.at(object, "spec.groups");
            for (Map<String, Object> group : groups) {
                if (!(group.get("name") instanceof String) || !(group.get("rules") instanceof List<?>)) {
                    problems.add("spec.groups[] needs a name and rules");
                }
            }
        }
    }
}
