package io.boxoffice.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.boxoffice.deploy.support.Chart;
import io.boxoffice.deploy.support.PromQl;
import io.boxoffice.deploy.support.Promtool;
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
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every PromQL expression of grafana/ parses (promtool), uses only metrics the nodes export, and the
 * alert rules pass their promtool unit tests.
 */
class DashboardAndAlertQueriesTest {

    private static final Path ALERTS = Repo.grafana().resolve("alerts/boxoffice-alerts.yaml");
    private static final Path ALERT_TESTS = Repo.grafana().resolve("alerts/tests");
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\(\\s*([^,)]+)\\s*,");
    /** Series Prometheus itself adds to every scrape. */
    private static final Set<String> SCRAPE_SERIES = Set.of("up");

    @TempDir
    Path temporary;

    @Test
    void the_alert_rules_pass_promtool_check_rules() {
        Promtool.Result result = Promtool.run(Repo.root(), "check", "rules", ALERTS.toString());

        assertThat(result.succeeded()).as(result.output()).isTrue();
        assertThat(result.output()).contains("SUCCESS");
    }

    @Test
    void the_alert_rules_pass_their_unit_tests() throws IOException {
        List<String> arguments = new ArrayList<>(List.of("test", "rules"));
        try (Stream<Path> files = Files.list(ALERT_TESTS)) {
            files.filter(f -> f.toString().endsWith(".yaml")).sorted().forEach(f -> arguments.add(f.getFileName().toString()));
        }
        assertThat(arguments).hasSizeGreaterThan(2);

        Promtool.Result result = Promtool.run(ALERT_TESTS, arguments.toArray(String[]::new));

        assertThat(result.succeeded()).as(result.output()).isTrue();
    }

    @Test
    @SuppressWarnings("unchecked")
    void every_alert_has_a_unit_test_where_it_fires() throws IOException {
        Set<String> fired = new TreeSet<>();
        try (Stream<Path> files = Files.list(ALERT_TESTS)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                Map<String, Object> suite = Chart.yaml().readValue(Repo.read(file), Map.class);
                for (Map<String, Object> test : Yaml.<List<Map<String, Object>>>at(suite, "tests")) {
                    for (Map<String, Object> check : (List<Map<String, Object>>) test.getOrDefault("alert_rule_test", List.of())) {
                        if (check.get("exp_alerts") instanceof List<?> expected && !expected.isEmpty()) {
                            fired.add(String.valueOf(check.get("alertname")));
                        }
                    }
                }
            }
        }
        assertThat(fired).containsExactlyInAnyOrderElementsOf(alerts().keySet());
    }

    @Test
    void the_required_alerts_exist() {
        assertThat(alerts().keySet()).contains("BoxofficeNoLeader", "BoxofficeFrequentElections", "BoxofficeReplicationLag",
                "BoxofficeSlowFsync", "BoxofficeLlmDown");
    }

    @Test
    void every_dashboard_query_parses() throws IOException {
        Map<String, String> queries = dashboardQueries();
        assertThat(queries).hasSizeGreaterThan(30);

        Promtool.Result result = checkAsRecordingRules(queries);

        assertThat(result.succeeded()).as("promtool on the dashboard queries (record names tell the panel):%n%s", result.output()).isTrue();
    }

    @Test
    void a_query_that_does_not_parse_is_caught() throws IOException {
        Promtool.Result result = checkAsRecordingRules(Map.of("broken panel", "sum(rate(boxoffice_raft_term[5m])"));

        assertThat(result.succeeded()).isFalse();
        assertThat(result.output()).contains("unclosed left parenthesis");
    }

    @Test
    void every_metric_the_dashboards_and_alerts_use_is_exported_by_the_nodes() throws IOException {
        Set<String> exported = names(Repo.grafana().resolve("exported-metrics.txt"));
        Set<String> awaiting = names(Repo.grafana().resolve("metrics-awaiting-export.txt"));
        Map<String, Set<String>> usedBy = new TreeMap<>();
        dashboardQueries().forEach((where, expr) -> PromQl.metricNames(expr)
                .forEach(name -> usedBy.computeIfAbsent(name, n -> new TreeSet<>()).add(where)));
        alerts().forEach((alert, expr) -> PromQl.metricNames(expr)
                .forEach(name -> usedBy.computeIfAbsent(name, n -> new TreeSet<>()).add("alert " + alert)));

        Map<String, Set<String>> unknown = usedBy.entrySet().stream()
                .filter(e -> !exported.contains(e.getKey()) && !awaiting.contains(e.getKey()) && !SCRAPE_SERIES.contains(e.getKey()))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new));
        assertThat(unknown).as("metrics no node exports (grafana/exported-metrics.txt), with their users").isEmpty();
        assertThat(awaiting).as("grafana/metrics-awaiting-export.txt lists metrics now exported; delete them there")
                .doesNotContainAnyElementsOf(exported);
        assertThat(usedBy.keySet()).as("every metric awaiting export is used somewhere").containsAll(awaiting);
        assertThat(exported).as("the export list looks like the nodes' metrics").contains("boxoffice_raft_term", "boxoffice_llm_model_loaded");
    }

    @Test
    void the_metric_name_lexer_tells_metrics_from_functions_labels_and_keywords() {
        assertThat(PromQl.metricNames("histogram_quantile(0.99, sum by (pod, le) (rate(boxoffice_rpc_seconds_bucket{code!=\"OK\", "
                + "method=~\"a|b\"}[5m]))) > 0.1 and on (pod) boxoffice_raft_has_leader == 1 unless absent(up{job=\"x\"} offset 5m)"))
                .containsExactlyInAnyOrder("boxoffice_rpc_seconds_bucket", "boxoffice_raft_has_leader", "up");
        assertThat(PromQl.metricNames("max_over_time(boxoffice_raft_term[15m]) - min_over_time(boxoffice_raft_term[15m])"))
                .containsExactly("boxoffice_raft_term");
    }

    @Test
    void the_dashboards_cover_the_cluster_the_bookings_and_the_assistant() throws IOException {
        Map<String, JsonNode> dashboards = dashboards();
        assertThat(dashboards.keySet()).containsExactlyInAnyOrder("boxoffice-cluster.json", "boxoffice-bookings.json", "boxoffice-assistant.json");
        assertThat(metricsOf(dashboards.get("boxoffice-cluster.json"))).contains("boxoffice_raft_role", "boxoffice_raft_term",
                "boxoffice_raft_leader_changes_total", "boxoffice_raft_commit_index", "boxoffice_raft_applied_index",
                "boxoffice_raft_replication_lag_entries", "boxoffice_raft_fsync_seconds_bucket", "boxoffice_raft_append_seconds_bucket");
        assertThat(metricsOf(dashboards.get("boxoffice-bookings.json"))).contains("boxoffice_holds_total", "boxoffice_hold_expiries_total",
                "boxoffice_bookings_total", "boxoffice_payments_total", "boxoffice_refunds_total", "boxoffice_rpc_seconds_bucket");
        assertThat(metricsOf(dashboards.get("boxoffice-assistant.json"))).contains("boxoffice_assistant_seconds_bucket",
                "boxoffice_llm_generated_tokens_total", "boxoffice_llm_queue_depth", "boxoffice_llm_time_to_first_token_seconds_bucket");

        Set<String> uids = new TreeSet<>();
        for (Map.Entry<String, JsonNode> dashboard : dashboards.entrySet()) {
            assertThat(uids.add(dashboard.getValue().path("uid").asText())).as("unique uid of %s", dashboard.getKey()).isTrue();
            List<Integer> ids = new ArrayList<>();
            dashboard.getValue().path("panels").forEach(p -> ids.add(p.path("id").asInt()));
            assertThat(ids).as("panel ids of %s", dashboard.getKey()).doesNotHaveDuplicates();
            dashboard.getValue().path("panels").forEach(p -> {
                if (p.has("targets")) {
                    assertThat(p.path("datasource").path("uid").asText()).as("data source of %s", p.path("title")).isEqualTo("${datasource}");
                }
            });
        }
    }

    @Test
    void the_chart_ships_the_same_dashboards_and_alert_rules_as_grafana() throws IOException {
        Path chartFiles = Repo.chart().resolve("files");
        Map<String, String> source = new TreeMap<>();
        Map<String, String> copies = new TreeMap<>();
        try (Stream<Path> files = Files.list(Repo.grafana().resolve("dashboards"))) {
            files.forEach(f -> source.put("dashboards/" + f.getFileName(), Repo.read(f)));
        }
        try (Stream<Path> files = Files.list(chartFiles.resolve("dashboards"))) {
            files.forEach(f -> copies.put("dashboards/" + f.getFileName(), Repo.read(f)));
        }
        source.put("alerts/boxoffice-alerts.yaml", Repo.read(ALERTS));
        copies.put("alerts/boxoffice-alerts.yaml", Repo.read(chartFiles.resolve("alerts/boxoffice-alerts.yaml")));

        assertThat(copies).as("helm/boxoffice/files differs from grafana/: run scripts/sync-chart-files.sh").isEqualTo(source);
    }

    private Promtool.Result checkAsRecordingRules(Map<String, String> queries) throws IOException {
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard-queries\n    rules:\n");
        int index = 0;
        for (Map.Entry<String, String> query : queries.entrySet()) {
            rules.append("      # ").append(query.getKey().replace('\n', ' ')).append('\n')
                    .append("      - record: dashboard:query_").append(index++).append('\n')
                    .append("        expr: ").append(new ObjectMapper().writeValueAsString(PromQl.withoutGrafanaVariables(query.getValue())))
                    .append('\n');
        }
        Path file = temporary.resolve("dashboard-queries.yaml");
        Files.writeString(file, rules.toString());
        Promtool.Result result = Promtool.run(temporary, "check", "rules", file.toString());
        if (!result.succeeded()) {
            Files.copy(file, Path.of("target/dashboard-queries.yaml"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return result;
    }

    /** "dashboard / panel / refId" to expression, for every target and every query variable. */
    private static Map<String, String> dashboardQueries() throws IOException {
        Map<String, String> queries = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> dashboard : dashboards().entrySet()) {
            for (JsonNode panel : dashboard.getValue().path("panels")) {
                for (JsonNode target : panel.path("targets")) {
                    queries.put(dashboard.getKey() + " / " + panel.path("title").asText() + " / " + target.path("refId").asText(),
                            target.path("expr").asText());
                }
            }
            for (JsonNode variable : dashboard.getValue().path("templating").path("list")) {
                Matcher labelValues = LABEL_VALUES.matcher(variable.path("definition").asText());
                if (labelValues.find()) {
                    queries.put(dashboard.getKey() + " / variable " + variable.path("name").asText(), labelValues.group(1).trim());
                }
            }
        }
        return queries;
    }

    private static Set<String> metricsOf(JsonNode dashboard) {
        Set<String> names = new TreeSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                names.addAll(PromQl.metricNames(target.path("expr").asText()));
            }
        }
        return names;
    }

    private static Map<String, JsonNode> dashboards() throws IOException {
        Map<String, JsonNode> dashboards = new TreeMap<>();
        try (Stream<Path> files = Files.list(Repo.grafana().resolve("dashboards"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
                dashboards.put(file.getFileName().toString(), new ObjectMapper().readTree(Repo.read(file)));
            }
        }
        return dashboards;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> alerts() {
        try {
            Map<String, Object> file = Chart.yaml().readValue(Repo.read(ALERTS), Map.class);
            Map<String, String> alerts = new TreeMap<>();
            for (Map<String, Object> group : Yaml.<List<Map<String, Object>>>at(file, "groups")) {
                for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
                    alerts.put(String.valueOf(rule.get("alert")), String.valueOf(rule.get("expr")));
                }
            }
            return alerts;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Set<String> names(Path file) {
        return Repo.read(file).lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
