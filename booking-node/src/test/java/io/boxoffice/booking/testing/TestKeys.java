package io.boxoffice.booking.testing;

import io.boxoffice.testkit.node.ClusterSecrets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;

/**
 * RSA key pairs generated per test run and written as PEM under a chosen prefix, for the in-process tests; no
 * private key is ever committed. Live clusters take theirs from the test kit's {@link ClusterSecrets}.
 */
public final class TestKeys {

    private TestKeys() {
    }

    public static KeyPair generate() {
        return ClusterSecrets.generateKeyPair();
    }

    /** Writes {@code prefix-private.pem} (PKCS#8) and {@code prefix-public.pem} (X.509) into {@code dir}. */
    public static Path[] write(KeyPair pair, Path dir, String prefix) {
        try {
            Path privateFile = dir.resolve(prefix + "-private.pem");
            Path publicFile = dir.resolve(prefix + "-public.pem");
            Files.writeString(privateFile, pem("PRIVATE KEY", pair.getPrivate().getEncoded()), StandardCharsets.US_ASCII);
            Files.writeString(publicFile, pem("PUBLIC KEY", pair.getPublic().getEncoded()), StandardCharsets.US_ASCII);
            return new Path[] {privateFile, publicFile};
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String pem(String label, byte[] der) {
        return ClusterSecrets.pem(label, der);
    }
}
