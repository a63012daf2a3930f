package io.boxoffice.testkit.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterSecretsTest {

    @TempDir
    Path directory;

    @Test
    void the_key_files_are_a_matching_pem_pair_and_the_peer_token_is_fresh() throws Exception {
        ClusterSecrets secrets = ClusterSecrets.create(directory.resolve("secrets"));
        PrivateKey privateKey = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(
                der(secrets.privateKeyFile(), "PRIVATE KEY")));
        PublicKey publicKey = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(
                der(secrets.publicKeyFile(), "PUBLIC KEY")));
        Signature signer = Signature.getInstance("SHA256withRSA");
        signer.initSign(privateKey);
        signer.update("token".getBytes(StandardCharsets.UTF_8));
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance("SHA256withRSA");
        verifier.initVerify(publicKey);
        verifier.update("token".getBytes(StandardCharsets.UTF_8));
        assertThat(verifier.verify(signature)).isTrue();

        String token = Files.readString(secrets.peerTokenFile()).strip();
        assertThat(token).matches("[0-9a-f]{64}");
        assertThat(Files.readString(ClusterSecrets.create(directory.resolve("other")).peerTokenFile()).strip())
                .isNotEqualTo(token);
        assertThat(secrets.settings()).containsEntry("boxoffice.peer-token-file", secrets.peerTokenFile().toString())
                .containsEntry("boxoffice.auth.private-key-file", secrets.privateKeyFile().toString())
                .containsEntry("boxoffice.auth.public-key-file", secrets.publicKeyFile().toString());
    }

    private static byte[] der(Path pem, String label) throws Exception {
        String text = Files.readString(pem);
        assertThat(text).startsWith("-----BEGIN " + label + "-----\n").endsWith("-----END " + label + "-----\n");
        String body = text.replace("-----BEGIN " + label + "-----", "").replace("-----END " + label + "-----", "");
        return Base64.getMimeDecoder().decode(body);
    }
}
