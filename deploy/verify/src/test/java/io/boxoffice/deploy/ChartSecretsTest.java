package io.boxoffice.deploy;

import static io.boxoffice.deploy.ChartRenderTest.ordered;
import static org.assertj.core.api.Assertions.assertThat;

import io.boxoffice.deploy.support.Chart;
import io.boxoffice.deploy.support.KubernetesApiDouble;
import io.boxoffice.deploy.support.Rendering;
import io.boxoffice.deploy.support.Yaml;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The chart's Secrets: generated when not supplied, in the formats the booking node reads, and kept across upgrades. */
class ChartSecretsTest {

    @AfterEach
    void forgetStoredSecrets() {
        KubernetesApiDouble.start().clear();
    }

    @Test
    void the_generated_token_keys_are_a_pkcs8_private_key_and_its_public_key() throws Exception {
        Map<String, Object> secret = Chart.renderFresh(Map.of()).get("Secret", "boxoffice-jwt");

        String privatePem = decoded(secret, "jwt-private.pem");
        String publicPem = decoded(secret, "jwt-public.pem");
        assertThat(privatePem).startsWith("-----BEGIN PRIVATE KEY-----\n").endsWith("-----END PRIVATE KEY-----\n");
        assertThat(publicPem).startsWith("-----BEGIN PUBLIC KEY-----\n").endsWith("-----END PUBLIC KEY-----\n");
        assertThat(privatePem.lines().filter(l -> !l.startsWith("-----"))).allMatch(l -> l.length() <= 64);

        PrivateKey privateKey = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der(privatePem)));
        RSAPublicKey publicKey = (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der(publicPem)));
        assertThat(publicKey.getModulus().bitLength()).isEqualTo(4096);
        assertThat(signsAndVerifies(privateKey, publicKey)).as("the two keys form one pair").isTrue();
    }

    @Test
    void every_install_gets_its_own_keys_and_token() {
        Rendering first = Chart.renderFresh(Map.of());
        Rendering second = Chart.renderFresh(Map.of());

        assertThat(Yaml.<Object>at(first.get("Secret", "boxoffice-jwt"), "data"))
                .isNotEqualTo(Yaml.at(second.get("Secret", "boxoffice-jwt"), "data"));
        String token = decoded(first.get("Secret", "boxoffice-peer"), "token");
        assertThat(token).hasSize(48).matches("[A-Za-z0-9]+");
        assertThat(token).isNotEqualTo(decoded(second.get("Secret", "boxoffice-peer"), "token"));
        String password = decoded(first.get("Secret", "boxoffice-admin"), "password");
        assertThat(password).hasSize(24).matches("[A-Za-z0-9]+");
        assertThat(password).isNotEqualTo(decoded(second.get("Secret", "boxoffice-admin"), "password"));
    }

    @Test
    void an_upgrade_keeps_the_keys_and_token_of_the_running_release() {
        KubernetesApiDouble api = KubernetesApiDouble.start();
        String privateB64 = base64("-----BEGIN PRIVATE KEY-----\nrunning\n-----END PRIVATE KEY-----\n");
        String publicB64 = base64("-----BEGIN PUBLIC KEY-----\nrunning\n-----END PUBLIC KEY-----\n");
        api.storeSecret(Chart.NAMESPACE, "boxoffice-jwt", """
                {"apiVersion":"v1","kind":"Secret","metadata":{"name":"boxoffice-jwt","namespace":"%s"},
                 "data":{"jwt-private.pem":"%s","jwt-public.pem":"%s"}}""".formatted(Chart.NAMESPACE, privateB64, publicB64));
        api.storeSecret(Chart.NAMESPACE, "boxoffice-peer", """
                {"apiVersion":"v1","kind":"Secret","metadata":{"name":"boxoffice-peer","namespace":"%s"},
                 "data":{"token":"%s"}}""".formatted(Chart.NAMESPACE, base64("running-cluster-token-of-forty-characters")));
        api.storeSecret(Chart.NAMESPACE, "boxoffice-admin", """
                {"apiVersion":"v1","kind":"Secret","metadata":{"name":"boxoffice-admin","namespace":"%s"},
                 "data":{"password":"%s"}}""".formatted(Chart.NAMESPACE, base64("running-admin-password")));

        Rendering upgrade = Chart.renderFresh(Map.of());

        Map<String, Object> jwt = Yaml.at(upgrade.get("Secret", "boxoffice-jwt"), "data");
        assertThat(jwt).containsEntry("jwt-private.pem", privateB64).containsEntry("jwt-public.pem", publicB64);
        assertThat(decoded(upgrade.get("Secret", "boxoffice-peer"), "token")).isEqualTo("running-cluster-token-of-forty-characters");
        assertThat(decoded(upgrade.get("Secret", "boxoffice-admin"), "password")).isEqualTo("running-admin-password");
    }

    @Test
    void user_supplied_keys_and_token_are_used_as_given() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        var pair = generator.generateKeyPair();
        String privatePem = pem("PRIVATE KEY", pair.getPrivate().getEncoded());
        String publicPem = pem("PUBLIC KEY", pair.getPublic().getEncoded());
        String token = "t".repeat(40);

        Rendering rendering = Chart.renderFresh(ordered("auth.jwt.privateKey", privatePem, "auth.jwt.publicKey", publicPem,
                "auth.peer.token", token, "auth.bootstrapAdmin.password", "chosen-admin-password"));

        assertThat(decoded(rendering.get("Secret", "boxoffice-jwt"), "jwt-private.pem")).isEqualTo(privatePem);
        assertThat(decoded(rendering.get("Secret", "boxoffice-jwt"), "jwt-public.pem")).isEqualTo(publicPem);
        assertThat(decoded(rendering.get("Secret", "boxoffice-peer"), "token")).isEqualTo(token);
        assertThat(decoded(rendering.get("Secret", "boxoffice-admin"), "password")).isEqualTo("chosen-admin-password");
    }

    @Test
    void the_pods_read_the_secrets_from_the_files_their_env_names() {
        Map<String, Object> statefulSet = Chart.render(Map.of()).get("StatefulSet", "boxoffice");
        Map<String, Object> container = Yaml.at(statefulSet, "spec.template.spec.containers[0]");

        assertThat(Yaml.env(container, "BOXOFFICE_AUTH_PRIVATE_KEY_FILE").get("value")).isEqualTo("/etc/boxoffice/jwt/jwt-private.pem");
        assertThat(Yaml.env(container, "BOXOFFICE_AUTH_PUBLIC_KEY_FILE").get("value")).isEqualTo("/etc/boxoffice/jwt/jwt-public.pem");
        assertThat(Yaml.env(container, "BOXOFFICE_PEER_TOKEN_FILE").get("value")).isEqualTo("/etc/boxoffice/peer/token");
        assertThat(Yaml.<Object>at(container, "volumeMounts[1].mountPath")).isEqualTo("/etc/boxoffice/jwt");
        assertThat(Yaml.<Object>at(statefulSet, "spec.template.spec.volumes[0].secret.secretName")).isEqualTo("boxoffice-jwt");
        assertThat(Yaml.<Object>at(container, "volumeMounts[2].mountPath")).isEqualTo("/etc/boxoffice/peer");
        assertThat(Yaml.<Object>at(statefulSet, "spec.template.spec.volumes[1].secret.secretName")).isEqualTo("boxoffice-peer");
        assertThat(Yaml.env(container, "BOXOFFICE_AUTH_BOOTSTRAP_ADMIN_PASSWORD_FILE").get("value")).isEqualTo("/etc/boxoffice/admin/password");
        assertThat(Yaml.env(container, "BOXOFFICE_AUTH_BOOTSTRAP_ADMIN_USERNAME").get("value")).isEqualTo("admin");
        assertThat(Yaml.<Object>at(container, "volumeMounts[3].mountPath")).isEqualTo("/etc/boxoffice/admin");
        assertThat(Yaml.<Object>at(container, "volumeMounts[3].readOnly")).isEqualTo(true);
        assertThat(Yaml.<Object>at(statefulSet, "spec.template.spec.volumes[2].secret.secretName")).isEqualTo("boxoffice-admin");
    }

    @Test
    void without_the_bootstrap_administrator_there_is_no_admin_secret_mount_or_env() {
        Rendering rendering = Chart.render(Map.of("auth.bootstrapAdmin.enabled", "false"));
        Map<String, Object> container = Yaml.at(rendering.get("StatefulSet", "boxoffice"), "spec.template.spec.containers[0]");

        assertThat(rendering.ids()).doesNotContain("Secret/boxoffice-admin");
        assertThat(Yaml.<List<Map<String, Object>>>at(container, "env")).extracting(e -> e.get("name"))
                .doesNotContain("BOXOFFICE_AUTH_BOOTSTRAP_ADMIN_PASSWORD_FILE", "BOXOFFICE_AUTH_BOOTSTRAP_ADMIN_USERNAME");
        assertThat(Yaml.<List<Map<String, Object>>>at(container, "volumeMounts")).extracting(m -> m.get("name")).doesNotContain("admin");
    }

    private static boolean signsAndVerifies(PrivateKey privateKey, PublicKey publicKey) throws Exception {
        byte[] probe = "boxoffice".getBytes(StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance("SHA256withRSA");
        signer.initSign(privateKey);
        signer.update(probe);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance("SHA256withRSA");
        verifier.initVerify(publicKey);
        verifier.update(probe);
        return verifier.verify(signature);
    }

    private static String decoded(Map<String, Object> secret, String key) {
        Map<String, Object> data = Yaml.at(secret, "data");
        return new String(Base64.getDecoder().decode(String.valueOf(data.get(key))), StandardCharsets.US_ASCII);
    }

    private static byte[] der(String pem) {
        return Base64.getDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", ""));
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
    }

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + label + "-----\n";
    }
}
