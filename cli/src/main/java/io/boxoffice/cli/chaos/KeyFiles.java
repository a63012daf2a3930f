package io.boxoffice.cli.chaos;

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

/**
 * The secrets a throw-away test cluster needs, made fresh for each run inside its work directory: the RSA
 * key pair that signs and verifies tokens (PEM, PKCS#8 / X.509) and the peer credential.
 *
 * @param privateKeyFile  PEM "PRIVATE KEY"
 * @param publicKeyFile   PEM "PUBLIC KEY"
 * @param peerTokenFile   one line: the cluster credential
 */
record KeyFiles(Path privateKeyFile, Path publicKeyFile, Path peerTokenFile) {

    static KeyFiles create(Path directory) {
        try {
            Files.createDirectories(directory);
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            KeyFiles files = new KeyFiles(directory.resolve("jwt-private.pem"), directory.resolve("jwt-public.pem"),
                    directory.resolve("peer-token"));
            Files.writeString(files.privateKeyFile(), pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
            Files.writeString(files.publicKeyFile(), pem("PUBLIC KEY", pair.getPublic().getEncoded()));
            byte[] token = new byte[32];
            new SecureRandom().nextBytes(token);
            Files.writeString(files.peerTokenFile(), HexFormat.of().formatHex(token) + "\n", StandardCharsets.UTF_8);
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write keys to " + directory, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no RSA key generator", e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
