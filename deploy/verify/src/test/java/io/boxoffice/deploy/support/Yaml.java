package io.boxoffice.deploy.support;

import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/** Navigation in parsed YAML: {@code at(object, "spec.template.spec.containers[0].env")}. */
public final class Yaml {

    private Yaml() {
    }

    @SuppressWarnings("unchecked")
    public static <T> T at(Object root, String path) {
        Object current = root;
        for (String part : path.split("\\.")) {
            String key = part;
            Integer index = null;
            int bracket = part.indexOf('[');
            if (bracket >= 0) {
                key = part.substring(0, bracket);
                index = Integer.parseInt(part.substring(bracket + 1, part.length() - 1));
            }
            if (!(current instanceof Map<?, ?> map) || !map.containsKey(key)) {
                throw new NoSuchElementException("no '" + key + "' on the way to " + path);
            }
            current = map.get(key);
            if (index != null) {
                if (!(current instanceof List<?> list) || list.size() <= index) {
                    throw new NoSuchElementException("no element " + index + " of '" + key + "' in " + path);
                }
                current = list.get(index);
            }
        }
        return (T) current;
    }

    public static boolean has(Object root, String path) {
        try {
            at(root, path);
            return true;
        } catch (NoSuchElementException e) {
            return false;
        }
    }

    /** The value of the env variable {@code name} in a container's env list. */
    public static Map<String, Object> env(Map<String, Object> container, String name) {
        List<Map<String, Object>> env = at(container, "env");
        return env.stream().filter(e -> name.equals(e.get("name"))).findFirst()
                .orElseThrow(() -> new NoSuchElementException("no env " + name + " in container " + container.get("name")));
    }
}
