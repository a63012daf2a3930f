package io.boxoffice.testkit.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The secrets of a throw-away cluster, made fresh for each run and never committed: the RSA key pair that
 * signs and verifies tokens (PEM: PKCS#8 private, X.509 public) and the peer credential every member
 * presents.
 *
 * @param privateKeyFile PEM "PRIVATE KEY"
 * @param publicKeyFile  PEM "PUBLIC KEY"
 * @param peerTokenFile  one line: the cluster credential (64 hex digits)
 * @param keys           the key pair, for tests that sign tokens themselves
 */
public record ClusterSecrets(Path privateKeyFile, Path publicKeyFile, Path peerTokenFile, KeyPair keys) {

    /** Writes {@code jwt-private.pem}, {@code jwt-public.pem} and {@code peer-token} into {@code directory}. */
    public static ClusterSecrets create(Path directory) {
        KeyPair keys = generateKeyPair();
        byte[] token = new byte[32];
        new SecureRandom().nextBytes(token);
        try {
            Files.createDirectories(directory);
            ClusterSecrets secrets = new ClusterSecrets(directory.resolve("jwt-private.pem"),
                    directory.resolve("jwt-public.pem"), directory.resolve("peer-token"), keys);
            Files.writeString(secrets.privateKeyFile(), pem("PRIVATE KEY", keys.getPrivate().getEncoded()),
                    StandardCharsets.US_ASCII);
            Files.writeString(secrets.publicKeyFile(), pem("PUBLIC KEY", keys.getPublic().getEncoded()),
                    StandardCharsets.US_ASCII);
            Files.writeString(secrets.peerTokenFile(), HexFormat.of().formatHex(token) + "\n", StandardCharsets.US_ASCII);
            return secrets;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the cluster secrets to " + directory, e);
        }
    }

    /** A fresh 2048-bit RSA key pair. */
    public static KeyPair generateKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no RSA key generator", e);
        }
    }

    /** DER bytes as a PEM block with 64-character lines. */
    public static String pem(String label, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
    }

    /** The booking node's settings that point at these files, by configuration key. */
    public Map<String, String> settings() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("boxoffice.peer-token-file", peerTokenFile.toString());
        settings.put("boxoffice.auth.private-key-file", privateKeyFile.toString());
        settings.put("boxoffice.auth.public-key-file", publicKeyFile.toString());
        return settings;
    }
}
