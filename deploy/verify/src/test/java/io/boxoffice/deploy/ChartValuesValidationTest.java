package io.boxoffice.deploy;

import static io.boxoffice.deploy.ChartRenderTest.ordered;
import static org.assertj.core.api.Assertions.assertThat;

import io.boxoffice.deploy.support.Chart;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Values that cannot work stop the render with validateValues' message, which names the fix. */
class ChartValuesValidationTest {

    static Stream<Arguments> mistakes() {
        return Stream.of(
                Arguments.of(ordered("replicaCount", "4"), "replicaCount: 4 is even", "--set replicaCount=5"),
                Arguments.of(ordered("replicaCount", "0"), "replicaCount: 0 booking nodes cannot serve anything", "--set replicaCount=3"),
                Arguments.of(ordered("persistence.enabled", "false"), "persistence.enabled: false with 3 replicas", "--set persistence.enabled=true"),
                Arguments.of(ordered("cluster.bootstrapMembers", "2"), "cluster.bootstrapMembers: 2 is even", "--set cluster.bootstrapMembers=1"),
                Arguments.of(ordered("cluster.bootstrapMembers", "5"), "cluster.bootstrapMembers: 5 is more than replicaCount 3", "--set cluster.bootstrapMembers=3"),
                Arguments.of(ordered("containerPorts.grpc", "7070"), "must be three different ports", "--set containerPorts.http=8080,containerPorts.grpc=9000,containerPorts.peer=7070"),
                Arguments.of(ordered("terminationGracePeriodSeconds", "10"), "terminationGracePeriodSeconds: 10 leaves no time for a graceful stop", "--set terminationGracePeriodSeconds=19"),
                Arguments.of(ordered("cluster.transferTimeoutMillis", "30000"), "leadership transfer 30000ms", "--set terminationGracePeriodSeconds=46"),
                Arguments.of(ordered("pdb.maxUnavailable", "2"), "pdb.maxUnavailable: 2 of 3 members may be evicted together", "--set pdb.maxUnavailable=1"),
                Arguments.of(ordered("llm.model.download.enabled", "false"), "llm.model: the assistant is enabled but has no model source", "--set llm.model.factsOnly=true"),
                Arguments.of(ordered("llm.model.existingClaim", "models", "llm.model.persistence.enabled", "true"), "existingClaim and persistence.enabled both", "--set llm.model.persistence.enabled=false"),
                Arguments.of(ordered("auth.peer.token", "letmein"), "auth.peer.token: shorter than 32 characters", "--set auth.peer.token=null"),
                Arguments.of(ordered("auth.peer.existingSecret", "peer", "auth.peer.token", "x".repeat(40)), "auth.peer: both existingSecret and token", "--set auth.peer.token=null"),
                Arguments.of(ordered("auth.bootstrapAdmin.password", "secret"), "auth.bootstrapAdmin.password: shorter than 8 characters", "--set auth.bootstrapAdmin.password=null"),
                Arguments.of(ordered("auth.bootstrapAdmin.existingSecret", "admin", "auth.bootstrapAdmin.password", "long-enough-password"), "auth.bootstrapAdmin: both existingSecret and password", "--set auth.bootstrapAdmin.password=null"),
                Arguments.of(ordered("auth.jwt.privateKey", "-----BEGIN PRIVATE KEY-----"), "auth.jwt: privateKey and publicKey go together", "--set-file auth.jwt.privateKey=jwt-private.pem,auth.jwt.publicKey=jwt-public.pem"),
                Arguments.of(ordered("auth.jwt.privateKey", "-----BEGIN RSA PRIVATE KEY-----", "auth.jwt.publicKey", "-----BEGIN PUBLIC KEY-----"), "auth.jwt.privateKey: not a PKCS#8 PEM", "openssl pkcs8 -topk8"),
                Arguments.of(ordered("auth.jwt.existingSecret", "jwt", "auth.jwt.privateKey", "-----BEGIN PRIVATE KEY-----"), "auth.jwt: both existingSecret and a key", "--set auth.jwt.privateKey=null"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("mistakes")
    void a_mistake_is_reported_with_its_fix(Map<String, String> sets, String problem, String fix) {
        String message = Chart.renderFailure(sets);

        assertThat(message).contains("VALUES VALIDATION:").contains(problem).contains(fix);
    }

    @Test
    void every_mistake_is_listed_in_one_failure() {
        String message = Chart.renderFailure(ordered("replicaCount", "4", "persistence.enabled", "false",
                "llm.model.download.enabled", "false", "terminationGracePeriodSeconds", "5"));

        assertThat(message).containsOnlyOnce("VALUES VALIDATION:")
                .contains("4 problem(s) in the values of boxoffice:")
                .contains("--set replicaCount=5")
                .contains("--set persistence.enabled=true")
                .contains("--set llm.model.download.enabled=true")
                .contains("--set terminationGracePeriodSeconds=19");
    }

    @Test
    void a_single_member_without_a_volume_is_allowed() {
        assertThat(Chart.render(ordered("replicaCount", "1", "cluster.bootstrapMembers", "1", "persistence.enabled", "false"))
                .ofKind("StatefulSet")).hasSize(1);
    }

    @Test
    void the_values_schema_refuses_wrong_types_unknown_keys_and_unknown_choices() {
        assertThat(Chart.renderFailure(Map.of("replicaCount", "three"))).contains("replicaCount").contains("schema");
        assertThat(Chart.renderFailure(Map.of("replicas", "5"))).contains("replicas").contains("schema");
        assertThat(Chart.renderFailure(Map.of("podAntiAffinityPreset", "medium"))).contains("podAntiAffinityPreset");
        assertThat(Chart.renderFailure(Map.of("persistence.size", "lots"))).contains("/persistence/size");
    }
}
