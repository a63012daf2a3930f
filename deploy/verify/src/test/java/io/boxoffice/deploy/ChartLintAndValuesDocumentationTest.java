package io.boxoffice.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.boxoffice.deploy.support.Chart;
import io.boxoffice.deploy.support.Repo;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** helm lint passes, and values.yaml, its `## @param` documentation and values.schema.json describe the same keys. */
class ChartLintAndValuesDocumentationTest {

    private static final Pattern PARAM = Pattern.compile("^\\s*## @param (\\S+) (.+)$", Pattern.MULTILINE);

    @Test
    void helm_lint_strict_finds_nothing() {
        LintResult result = new Helm(Repo.chart()).lint().strict().call();

        assertThat(result.isFailed()).as("lint messages: %s", result.getMessages()).isFalse();
        assertThat(result.getMessages()).noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]"));
    }

    @Test
    void every_value_is_documented_with_a_param_line_and_every_param_names_a_value() throws Exception {
        String valuesText = Repo.read(Repo.chart().resolve("values.yaml"));
        JsonNode values = Chart.yaml().readTree(valuesText);
        Set<String> documented = new LinkedHashSet<>();
        Matcher matcher = PARAM.matcher(valuesText);
        while (matcher.find()) {
            documented.add(matcher.group(1));
        }

        List<String> undocumented = new ArrayList<>();
        for (String leaf : leaves(values, "")) {
            if (documented.stream().noneMatch(d -> leaf.equals(d) || leaf.startsWith(d + "."))) {
                undocumented.add(leaf);
            }
        }
        assertThat(undocumented).as("values without a ## @param line").isEmpty();
        assertThat(documented).as("## @param lines naming no value").allMatch(d -> values.at("/" + d.replace('.', '/')).isMissingNode() == false);
    }

    @Test
    void the_schema_describes_exactly_the_keys_of_values_yaml() throws Exception {
        JsonNode values = Chart.yaml().readTree(Repo.read(Repo.chart().resolve("values.yaml")));
        JsonNode schema = new ObjectMapper().readTree(Repo.read(Repo.chart().resolve("values.schema.json")));

        List<String> mismatches = new ArrayList<>();
        compare(values, schema, "", mismatches);
        assertThat(mismatches).isEmpty();
    }

    private static void compare(JsonNode values, JsonNode schema, String path, List<String> mismatches) {
        JsonNode properties = schema.path("properties");
        if (!values.isObject() || properties.isMissingNode()) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = values.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!properties.has(field.getKey())) {
                mismatches.add("values.yaml has " + path + field.getKey() + " but values.schema.json does not");
            } else {
                compare(field.getValue(), properties.get(field.getKey()), path + field.getKey() + ".", mismatches);
            }
        }
        for (Iterator<String> it = properties.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!values.has(name) && !(path.isEmpty() && name.equals("global"))) {
                mismatches.add("values.schema.json has " + path + name + " but values.yaml does not");
            }
        }
    }

    private static List<String> leaves(JsonNode node, String prefix) {
        List<String> leaves = new ArrayList<>();
        if (node.isObject() && node.size() > 0) {
            node.fields().forEachRemaining(f -> leaves.addAll(leaves(f.getValue(), prefix + f.getKey() + ".")));
        } else {
            leaves.add(prefix.substring(0, prefix.length() - 1));
        }
        return leaves;
    }
}
