package io.boxoffice.deploy.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.stream.Collectors;

/** The manifests of one render, with lookups by kind and name. */
public record Rendering(String text, List<Map<String, Object>> objects) {

    public Rendering(String text) {
        this(text, Chart.parseManifests(text));
    }

    public Map<String, Object> get(String kind, String name) {
        return objects.stream().filter(o -> kind.equals(o.get("kind")) && name.equals(Yaml.at(o, "metadata.name")))
                .findFirst().orElseThrow(() -> new NoSuchElementException("no " + kind + " " + name + " in " + ids()));
    }

    public List<Map<String, Object>> ofKind(String kind) {
        return objects.stream().filter(o -> kind.equals(o.get("kind"))).collect(Collectors.toList());
    }

    /** "Kind/name" of every object, in render order. */
    public List<String> ids() {
        List<String> ids = new ArrayList<>();
        for (Map<String, Object> object : objects) {
            ids.add(object.get("kind") + "/" + Yaml.at(object, "metadata.name"));
        }
        return ids;
    }
}
