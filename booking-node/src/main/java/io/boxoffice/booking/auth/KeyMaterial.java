package io.boxoffice.booking.auth;

import io.boxoffice.booking.config.InvalidConfigurationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The RSA key pair that signs (private) and verifies (public) access tokens, read from PEM files.
 * Every member of a cluster must hold the same pair, so a token issued by one node is accepted by all.
 */
public record KeyMaterial(PrivateKey privateKey, RSAPublicKey publicKey) {

    /** Keys shorter than this are refused (NIST SP 800-57: 2048 bits for RSA). */
    static final int MIN_KEY_BITS = 2048;

    /**
     * Reads both PEM files and checks that they form one pair; throws {@link InvalidConfigurationException}
     * listing every problem.
     */
    public static KeyMaterial load(Path privateKeyFile, Path publicKeyFile) {
        List<String> problems = new ArrayList<>();
        PrivateKey privateKey = null;
        RSAPublicKey publicKey = null;
        try {
            privateKey = parsePrivateKey(Files.readString(privateKeyFile, StandardCharsets.US_ASCII));
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            problems.add("boxoffice.auth.private-key-file " + privateKeyFile + " is not a PKCS#8 RSA private key "
                    + "in PEM (-----BEGIN PRIVATE KEY-----): " + e.getMessage() + "; convert with: openssl pkcs8 "
                    + "-topk8 -nocrypt -in old.pem -out jwt-private.pem");
        }
        try {
            publicKey = parsePublicKey(Files.readString(publicKeyFile, StandardCharsets.US_ASCII));
            if (publicKey.getModulus().bitLength() < MIN_KEY_BITS) {
                problems.add("boxoffice.auth.public-key-file " + publicKeyFile + " holds a "
                        + publicKey.getModulus().bitLength() + "-bit key; use at least " + MIN_KEY_BITS + " bits");
            }
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            problems.add("boxoffice.auth.public-key-file " + publicKeyFile + " is not an RSA public key in PEM "
                    + "(-----BEGIN PUBLIC KEY-----): " + e.getMessage() + "; derive it with: openssl pkey -in "
                    + "jwt-private.pem -pubout -out jwt-public.pem");
        }
        if (privateKey != null && publicKey != null && !formPair(privateKey, publicKey)) {
            problems.add("boxoffice.auth.private-key-file and boxoffice.auth.public-key-file are not one key pair; "
                    + "derive the public key from the private one: openssl pkey -in jwt-private.pem -pubout");
        }
        if (!problems.isEmpty()) {
            throw new InvalidConfigurationException(problems);
        }
        return new KeyMaterial(privateKey, publicKey);
    }

    static PrivateKey parsePrivateKey(String pem) throws GeneralSecurityException {
        if (pem.contains("BEGIN RSA PRIVATE KEY")) {
            throw new IllegalArgumentException("found a PKCS#1 key (BEGIN RSA PRIVATE KEY), PKCS#8 is needed");
        }
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(decode(pem, "PRIVATE KEY")));
    }

    static RSAPublicKey parsePublicKey(String pem) throws GeneralSecurityException {
        PublicKey key = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(decode(pem, "PUBLIC KEY")));
        return (RSAPublicKey) key;
    }

    private static byte[] decode(String pem, String label) {
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        int from = pem.indexOf(begin);
        int to = pem.indexOf(end);
        if (from < 0 || to < from) {
            throw new IllegalArgumentException("no " + begin + " ... " + end + " block found");
        }
        String body = pem.substring(from + begin.length(), to).replaceAll("\\s", "");
        return Base64.getDecoder().decode(body);
    }

    private static boolean formPair(PrivateKey privateKey, PublicKey publicKey) {
        try {
            byte[] probe = "boxoffice key pair probe".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance("SHA256withRSA");
            signer.initSign(privateKey);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance("SHA256withRSA");
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
