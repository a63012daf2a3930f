package io.boxoffice.deploy.live.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pod template of a workload in deploy/base (the chart's default render), turned into {@code docker run}
 * arguments as a kubelet would run it: the same image, command and arguments, environment (the downward API's pod
 * name and namespace filled in, {@code $(VAR)} references expanded), user, group and fsGroup, read-only root,
 * dropped capabilities, no privilege escalation, memory limit, grace period, and the volume mounts (an emptyDir
 * becomes a tmpfs that allows exec, as an emptyDir on a node's disk does; the other volumes are given by the caller).
 */
public final class PodSpec {

    private static final Pattern REFERENCE = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");
    private final Map<String, Object> pod;
    private final Map<String, Object> container;

    private PodSpec(Map<String, Object> pod) {
        this.pod = pod;
        this.container = list(pod, "containers").getFirst();
    }

    @SuppressWarnings("unchecked")
    public static PodSpec of(Path manifest) {
        try {
            Map<String, Object> workload = new ObjectMapper(new YAMLFactory()).readValue(manifest.toFile(), Map.class);
            return new PodSpec(map(map(map(workload, "spec"), "template"), "spec"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String image() {
        return String.valueOf(container.get("image"));
    }

    /** The preStop hook's exec command. */
    public List<String> preStopCommand() {
        return strings(map(map(map(container, "lifecycle"), "preStop"), "exec").get("command"));
    }

    public int terminationGracePeriodSeconds() {
        return ((Number) pod.get("terminationGracePeriodSeconds")).intValue();
    }

    /** The environment as the container sees it, in declaration order. */
    public Map<String, String> environment(String podName, String namespace) {
        Map<String, String> environment = new LinkedHashMap<>();
        for (Map<String, Object> variable : list(container, "env")) {
            String name = String.valueOf(variable.get("name"));
            String value;
            if (variable.get("valueFrom") != null) {
                String field = String.valueOf(map(map(variable, "valueFrom"), "fieldRef").get("fieldPath"));
                value = switch (field) {
                    case "metadata.name" -> podName;
                    case "metadata.namespace" -> namespace;
                    default -> throw new AssertionError("unsupported downward API field " + field + " of " + name);
                };
            } else {
                value = expand(String.valueOf(variable.get("value")), environment);
            }
            environment.put(name, value);
        }
        return environment;
    }

    /**
     * {@code docker run} arguments (after "run") for one pod. {@code volumes} maps each non-emptyDir volume of the
     * pod to a docker source (a named volume or a host directory); {@code extraEnvironment} is added last.
     */
    public List<String> dockerRunArguments(String podName, String namespace, String network, String ip, List<String> aliases,
            Map<String, String> volumes, Map<String, String> extraEnvironment, Map<String, String> labels) {
        List<String> arguments = new ArrayList<>(List.of("-d", "--name", podName, "--hostname", podName,
                "--network", network, "--ip", ip));
        aliases.forEach(alias -> arguments.addAll(List.of("--network-alias", alias)));
        labels.forEach((key, value) -> arguments.addAll(List.of("--label", key + "=" + value)));
        Map<String, Object> podSecurity = map(pod, "securityContext");
        arguments.addAll(List.of("--user", podSecurity.get("runAsUser") + ":" + podSecurity.get("runAsGroup")));
        if (podSecurity.get("fsGroup") != null) {
            arguments.addAll(List.of("--group-add", String.valueOf(podSecurity.get("fsGroup"))));
        }
        Map<String, Object> security = map(container, "securityContext");
        if (Boolean.TRUE.equals(security.get("readOnlyRootFilesystem"))) {
            arguments.add("--read-only");
        }
        if (Boolean.FALSE.equals(security.get("allowPrivilegeEscalation"))) {
            arguments.addAll(List.of("--security-opt", "no-new-privileges"));
        }
        for (String capability : strings(map(security, "capabilities").get("drop"))) {
            arguments.addAll(List.of("--cap-drop", capability));
        }
        Object memory = map(map(container, "resources"), "limits").get("memory");
        if (memory != null) {
            arguments.addAll(List.of("--memory", dockerSize(String.valueOf(memory))));
        }
        if (pod.get("terminationGracePeriodSeconds") != null) {
            arguments.addAll(List.of("--stop-timeout", String.valueOf(terminationGracePeriodSeconds())));
        }
        Map<String, Map<String, Object>> podVolumes = new LinkedHashMap<>();
        for (Map<String, Object> volume : list(pod, "volumes")) {
            podVolumes.put(String.valueOf(volume.get("name")), volume);
        }
        for (Map<String, Object> mount : list(container, "volumeMounts")) {
            String name = String.valueOf(mount.get("name"));
            String path = String.valueOf(mount.get("mountPath"));
            Map<String, Object> volume = podVolumes.get(name);
            if (volume != null && volume.get("emptyDir") != null) {
                Object size = map(volume, "emptyDir").get("sizeLimit");
                arguments.addAll(List.of("--tmpfs", path + ":rw,exec,nosuid,nodev" + (size == null ? "" : ",size=" + dockerSize(String.valueOf(size)))));
                continue;
            }
            String source = volumes.get(name);
            if (source == null) {
                throw new AssertionError("no docker source given for volume '" + name + "' mounted at " + path);
            }
            arguments.addAll(List.of("-v", source + ":" + path + (Boolean.TRUE.equals(mount.get("readOnly")) ? ":ro" : "")));
        }
        Map<String, String> environment = new LinkedHashMap<>(environment(podName, namespace));
        environment.putAll(extraEnvironment);
        environment.forEach((key, value) -> arguments.addAll(List.of("-e", key + "=" + value)));
        List<String> command = strings(container.get("command"));
        List<String> args = strings(container.get("args"));
        if (!command.isEmpty()) {
            arguments.addAll(List.of("--entrypoint", command.getFirst()));
        }
        arguments.add(image());
        if (!command.isEmpty()) {
            arguments.addAll(command.subList(1, command.size()));
        }
        arguments.addAll(args);
        return arguments;
    }

    /** Kubernetes' dependent variables: $(NAME) of an earlier variable is replaced, anything else stays. */
    static String expand(String value, Map<String, String> earlier) {
        Matcher matcher = REFERENCE.matcher(value);
        StringBuilder expanded = new StringBuilder();
        while (matcher.find()) {
            String replacement = earlier.getOrDefault(matcher.group(1), matcher.group());
            matcher.appendReplacement(expanded, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(expanded);
        return expanded.toString();
    }

    /** "768Mi" → "768m" (docker's m is MiB), "2Gi" → "2g". */
    static String dockerSize(String quantity) {
        Matcher matcher = Pattern.compile("(\\d+)(Ki|Mi|Gi)?").matcher(quantity);
        if (!matcher.matches()) {
            throw new AssertionError("unsupported quantity " + quantity);
        }
        String unit = matcher.group(2) == null ? "" : matcher.group(2).substring(0, 1).toLowerCase();
        return matcher.group(1) + unit;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> parent, String key) {
        Object value = parent.get(key);
        return value instanceof Map<?, ?> ? (Map<String, Object>) value : Map.of();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Map<String, Object> parent, String key) {
        Object value = parent.get(key);
        return value instanceof List<?> ? (List<Map<String, Object>>) value : List.of();
    }

    private static List<String> strings(Object value) {
        if (!(value instanceof List<?> items)) {
            return List.of();
        }
        return items.stream().map(String::valueOf).toList();
    }
}
