package io.boxoffice.deploy.live.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Prometheus' own HTTP API (/api/v1/...), as an operator's tools read it. */
public final class PrometheusApi {

    /** One alert as /api/v1/alerts lists it: pending or firing. */
    public record Alert(String name, String state, Map<String, String> labels) {
    }

    /** One sample of an instant query: its labels and its value as Prometheus prints it ("NaN", "0", "12.5"). */
    public record Sample(Map<String, String> labels, String value) {
    }

    /** One rule of /api/v1/rules. */
    public record Rule(String group, String file, String name, String type, String query, double durationSeconds) {
    }

    /** One target of /api/v1/targets. */
    public record Target(String job, String pod, String health, String lastError) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String base;

    public PrometheusApi(String base) {
        this.base = base;
    }

    public List<Alert> alerts() {
        List<Alert> alerts = new ArrayList<>();
        for (JsonNode alert : data("/api/v1/alerts").path("alerts")) {
            Map<String, String> labels = labels(alert.path("labels"));
            alerts.add(new Alert(labels.get("alertname"), alert.path("state").asText(), labels));
        }
        return alerts;
    }

    public List<Rule> rules() {
        List<Rule> rules = new ArrayList<>();
        for (JsonNode group : data("/api/v1/rules").path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                rules.add(new Rule(group.path("name").asText(), group.path("file").asText(), rule.path("name").asText(),
                        rule.path("type").asText(), rule.path("query").asText(), rule.path("duration").asDouble()));
            }
        }
        return rules;
    }

    public List<Target> targets() {
        List<Target> targets = new ArrayList<>();
        for (JsonNode target : data("/api/v1/targets?state=active").path("activeTargets")) {
            Map<String, String> labels = labels(target.path("labels"));
            targets.add(new Target(labels.get("job"), labels.get("pod"), target.path("health").asText(),
                    target.path("lastError").asText()));
        }
        return targets;
    }

    /** An instant query; fails the test when Prometheus refuses it (a parse error, an unknown function). */
    public List<Sample> query(String expression) {
        JsonNode data = data("/api/v1/query?query=" + URLEncoder.encode(expression, StandardCharsets.UTF_8));
        List<Sample> samples = new ArrayList<>();
        JsonNode result = data.path("result");
        if (data.path("resultType").asText().equals("scalar")) {
            samples.add(new Sample(Map.of(), result.path(1).asText()));
            return samples;
        }
        for (JsonNode sample : result) {
            samples.add(new Sample(labels(sample.path("metric")), sample.path("value").path(1).asText()));
        }
        return samples;
    }

    private JsonNode data(String path) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)).GET().build();
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode body = JSON.readTree(response.body());
            if (response.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
                throw new AssertionError("Prometheus " + path + " answered " + response.statusCode() + ": " + response.body());
            }
            return body.path("data");
        } catch (IOException e) {
            throw new AssertionError("Prometheus at " + base + " did not answer " + path + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static Map<String, String> labels(JsonNode node) {
        Map<String, String> labels = new TreeMap<>();
        node.fields().forEachRemaining(field -> labels.put(field.getKey(), field.getValue().asText()));
        return labels;
    }
}
